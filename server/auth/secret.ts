// The server's own secret: from configuration, or generated once under the
// data folder for embedded use (kept across restarts).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.js';

export function resolveServerSecret(config: Config): string {
  if (config.serverSecret) return config.serverSecret;
  const file = path.join(config.dataDir, 'server-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
