import { Authorized, Directive } from 'type-graphql';
import { Scope } from './scopes';

/**
 * Marks a Query or Mutation field as needing `scope`: enforced here by the auth
 * checker, and declared in the SDL (`@authenticated`, `@requiresScopes`) so the
 * router can enforce it too.
 */
export function RequiresScope(scope: Scope): MethodDecorator {
  return (target, propertyKey, descriptor) => {
    Authorized(scope)(target, propertyKey, descriptor);
    Directive('@authenticated')(target, propertyKey, descriptor);
    Directive(`@requiresScopes(scopes: [["${scope}"]])`)(target, propertyKey, descriptor);
  };
}
