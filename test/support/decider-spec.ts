// Given/When/Then for pure deciders: given past events, when a command, then
// these events, or this refusal. No I/O.
import { DomainError } from '../../libs/shared/src/domain-error';

export function deciderSpec<State, Event, Command>(initialState: () => State, evolve: (state: State, event: Event) => State, decide: (command: Command, state: State) => Event[]) {
  return (given: Event[] = []) => ({
    when: (command: Command) => {
      const run = () => decide(command, given.reduce(evolve, initialState()));
      return {
        then(expected: Event[]) {
          expect(run()).toEqual(expected);
        },
        thenNothing() {
          expect(run()).toEqual([]);
        },
        thenRefused(code: string, kind?: DomainError['kind']): void {
          this.refusal(code, kind);
        },
        /** The refusal itself, to check what it tells the caller. */
        refusal(code: string, kind?: DomainError['kind']): DomainError {
          let error: unknown;
          try {
            run();
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          if (kind) expect((error as DomainError).kind).toBe(kind);
          return error as DomainError;
        },
      };
    },
  });
}
