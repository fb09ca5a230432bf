// `npm run token -- <email>`: prints a token for a local user (embedded auth).
import { localUserToken } from '../server/auth/local-user.js';
import { loadConfig } from '../server/config.js';

const email = process.argv[2];
if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
  console.error('Usage: npm run token -- <email>');
  process.exit(2);
}
console.log(await localUserToken(loadConfig(), email));
