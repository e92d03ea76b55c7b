import { Authorized, Directive } from 'type-graphql';
import { Scope } from '../core/scopes';

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

/**
 * Declares on an object type that carries customer data that reading any of
 * its fields needs `scope` (`@authenticated`, `@requiresScopes` on the type),
 * so a router that enforces them also guards the paths the subgraph's root
 * fields do not: entity references from other subgraphs (`orders { customer
 * { name } }`) and mutation payloads. The subgraph enforces the same scope on
 * those paths itself (the entity resolver and the payload fields).
 */
export function ReadRequiresScope(scope: Scope): ClassDecorator {
  return (target) => {
    Directive('@authenticated')(target);
    Directive(`@requiresScopes(scopes: [["${scope}"]])`)(target);
  };
}
