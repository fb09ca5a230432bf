// A button that copies a text with the clipboard API and says "Copied" for a moment (or that it could not).
import { useEffect, useState } from 'react';

type State = 'idle' | 'copied' | 'failed';

/** `what` names the text for screen readers and tests: the button reads "Copy <what>", then "Copied <what>". */
export function CopyButton({ text, what, className }: { text: string; what: string; className?: string }) {
  const [state, setState] = useState<State>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // No clipboard (an insecure origin, or permission refused): the text stays on the page to select.
      setState('failed');
    }
  };

  return (
    <>
      <button type="button" className={`button button-small copy-button ${className ?? ''}`} data-state={state} onClick={() => void copy()}>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
        <span className="visually-hidden"> {what}</span>
      </button>
      <span className="visually-hidden" role="status">
        {state === 'copied' ? `${what} copied` : state === 'failed' ? 'The clipboard is not available here: select the text and copy it.' : ''}
      </span>
    </>
  );
}
