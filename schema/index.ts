// Imports every domain module and builds the schema. Printing happens in
// scripts/print-schema.ts, never at import time.
import { builder } from './builder.js';
import './scalars.js';
import './errors.js';
import './user.js';
import './catalog.js';
import './dataset.js';
import './training.js';
import './model.js';
import './cost.js';
import './notification.js';
import './metric.js';
import './outbound-webhook.js';

builder.queryType({ description: 'Everything a caller can read.' });
builder.mutationType({ description: 'Everything a caller can change.' });
builder.subscriptionType({ description: 'Live updates, over graphql-ws on /graphql.' });

export const schema = builder.toSchema({ sortSchema: true });
