// Expected failures returned as data: every one implements the Error interface.
import { GraphQLError } from 'graphql';
import { builder } from './builder.js';
import { InvalidInputError, NotFoundError, type FieldProblem } from '../server/errors.js';

export { InvalidInputError, NotFoundError };

/**
 * A subscription has no result union to return NotFoundError in: it fails with a GraphQL error coded NOT_FOUND,
 * which error masking lets through (a plain exception would reach the client as "Unexpected error").
 */
export function subscriptionNotFound(type: string): GraphQLError {
  return new GraphQLError(NotFoundError.messageFor(type), { extensions: { code: 'NOT_FOUND' } });
}

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'An expected failure: bad input, something not found, an operation not allowed in the current state.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  interfaces: [ErrorInterface],
  description: 'The object does not exist, or belongs to someone else.',
  fields: (t) => ({
    id: t.globalID({ description: 'The id as the API takes it.', resolve: (e) => ({ type: e.type, id: e.id }) }),
    type: t.exposeString('type', { description: 'The GraphQL type of the object, e.g. TrainingJob.' }),
  }),
});

const FieldProblemRef = builder.objectRef<FieldProblem>('FieldProblem').implement({
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Path of the input field, e.g. ["hyperparameters", "learningRate"].' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(InvalidInputError, {
  name: 'InvalidInputError',
  interfaces: [ErrorInterface],
  fields: (t) => ({ problems: t.field({ type: [FieldProblemRef], resolve: (e) => e.problems }) }),
});
