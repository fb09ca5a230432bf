// How many live connections (graphql-ws sockets and Server-Sent Event streams) one user may hold on this
// process. A user over the limit is refused with a code a client can act on; their other connections go on.

/** graphql-ws close code for a socket refused because its user holds too many (as HTTP's 429). */
export const CLOSE_TOO_MANY = 4429;

export class ConnectionCounter {
  private readonly open = new Map<string, number>();

  constructor(readonly maxPerUser: number) {}

  /** Takes a place for the user; false when they already hold the most. */
  take(userId: string): boolean {
    const held = this.open.get(userId) ?? 0;
    if (held >= this.maxPerUser) return false;
    this.open.set(userId, held + 1);
    return true;
  }

  release(userId: string): void {
    const held = (this.open.get(userId) ?? 1) - 1;
    if (held > 0) this.open.set(userId, held);
    else this.open.delete(userId);
  }
}
