/** The example frontend's typed LookupNumbers query, and each number's holder name from its result. */
import { graphql } from './gql';
import type { LookupNumbersQuery } from './gql/graphql';

// Typed by the client preset: the variables and the result of this document.
export const LookupNumbers = graphql(`
  query LookupNumbers($e164s: [String!]!) {
    lookupNumbers(e164s: $e164s) {
      e164
      country
      numberType
      block { prefix carrier { name } authority { name } }
      holder { id name }
      tier
    }
  }
`);

/** The holder's name of each number, null where the number is invalid or not held. */
export function holders(data: LookupNumbersQuery): (string | null)[] {
  return data.lookupNumbers.map((number) => number?.holder?.name ?? null);
}
