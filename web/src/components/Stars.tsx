// A 1–5 star rating, read out as "Rated n of 5".
export function Stars({ rating }: { rating: number | null | undefined }) {
  if (rating == null) return <span className="muted">Not rated</span>;
  return (
    <span className="stars" role="img" aria-label={`Rated ${rating} of 5`} title={`${rating} of 5`}>
      {[1, 2, 3, 4, 5].map((n) => (
        <span key={n} className={n <= rating ? 'star star-on' : 'star'} aria-hidden="true">
          ★
        </span>
      ))}
    </span>
  );
}
