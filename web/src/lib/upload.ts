// Sends a file to a signed URL with XMLHttpRequest, which (unlike fetch) reports upload progress.

export interface SignedRequest {
  url: string;
  method: string;
  /** Exactly the headers the signature expects. */
  headers: unknown;
}

export interface UploadHandle {
  done: Promise<void>;
  abort(): void;
}

export class UploadError extends Error {
  constructor(
    message: string,
    readonly aborted = false,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}

// The browser sets these itself and refuses to let a script set them.
const BROWSER_HEADERS = new Set(['content-length', 'host', 'connection', 'accept-encoding']);

function describeFailure(xhr: XMLHttpRequest): string {
  try {
    const body = JSON.parse(xhr.responseText) as { error?: { message?: string } };
    if (body.error?.message) return `The upload was refused: ${body.error.message}`;
  } catch {
    // Not JSON (e.g. a cloud storage XML error): fall back to the status line.
  }
  return `The upload was refused (HTTP ${xhr.status}${xhr.statusText ? ` ${xhr.statusText}` : ''}).`;
}

export function uploadFile(file: Blob, target: SignedRequest, onProgress: (loaded: number, total: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<void>((resolve, reject) => {
    xhr.open(target.method, target.url);
    const headers = (target.headers ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(headers)) {
      if (!BROWSER_HEADERS.has(name.toLowerCase())) xhr.setRequestHeader(name, String(value));
    }
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(file.size, file.size);
        resolve();
      } else reject(new UploadError(describeFailure(xhr)));
    };
    xhr.onerror = () => reject(new UploadError('The upload failed: the storage server could not be reached.'));
    xhr.onabort = () => reject(new UploadError('The upload was cancelled.', true));
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** The content type the server should record for a dataset file the browser left untyped. */
export function contentTypeOf(file: File): string {
  const name = file.name.toLowerCase();
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'application/jsonl';
  if (name.endsWith('.json')) return 'application/json';
  return file.type || 'application/octet-stream';
}
