// Writes schema/schema.graphql, the contract for third-party tools.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchemaFile } from '../schema/print.js';

const target = fileURLToPath(new URL('../schema/schema.graphql', import.meta.url));
fs.writeFileSync(target, printSchemaFile());
console.log(`wrote ${target}`);
