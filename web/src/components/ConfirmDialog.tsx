// A modal confirmation for actions that cannot be undone (delete, cancel, revoke), on the native <dialog>.
import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';

interface Props {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  onConfirm(): void;
  onClose(): void;
}

export function ConfirmDialog({ open, title, children, confirmLabel, busy, onConfirm, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  return (
    <dialog ref={dialog} className="dialog" onClose={onClose} onKeyDown={keepFocusInside} aria-labelledby="dialog-title">
      <h2 id="dialog-title">{title}</h2>
      <div className="dialog-body">{children}</div>
      <div className="dialog-actions">
        {/* biome-ignore lint/a11y/noAutofocus: an opened dialog moves focus inside it, onto the choice that destroys nothing (WAI-ARIA dialog pattern) */}
        <button type="button" className="button" onClick={onClose} autoFocus>
          Keep it
        </button>
        <button type="button" className="button button-danger" onClick={onConfirm} disabled={busy}>
          {busy ? 'Working…' : confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/** Tab past the last button comes back to the first, and Shift+Tab the other way: focus never leaves the dialog. */
function keepFocusInside(event: KeyboardEvent<HTMLDialogElement>) {
  if (event.key !== 'Tab') return;
  const focusable = [...event.currentTarget.querySelectorAll<HTMLElement>('button:not([disabled]), a[href], input:not([disabled])')];
  if (focusable.length === 0) return;
  const [first, last] = [focusable[0]!, focusable[focusable.length - 1]!];
  const edge = event.shiftKey ? first : last;
  if (document.activeElement !== edge && event.currentTarget.contains(document.activeElement)) return;
  event.preventDefault();
  (event.shiftKey ? last : first).focus();
}
