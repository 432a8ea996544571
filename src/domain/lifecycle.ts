/**
 * A small, declarative state machine for record lifecycles. Each action names the states it may start from and
 * the state it leads to; a refused step throws an {@link InvalidTransitionError} whose message tells the person
 * what state the record is in and what can be done with it instead.
 */
import { InvalidTransitionError } from './errors';

/** One action: the states it may be taken from, where it leads, and how it reads after "it can't be …". */
export interface TransitionSpec<S extends string> {
  from: readonly S[];
  to: S;
  /** Past participle for messages ("taken", "put on hold"); defaults to a regular "-ed" form of the action. */
  past?: string;
}

/** The definition handed to {@link defineLifecycle}. */
export interface LifecycleSpec<S extends string, A extends string> {
  /** What the record is called in messages: "incident", "change". */
  kind: string;
  states: readonly S[];
  transitions: { readonly [K in A]: TransitionSpec<S> };
  /** How a state reads in a sentence; defaults to the id with underscores as spaces ("in progress"). */
  stateLabels?: Partial<Record<S, string>>;
}

/** A defined lifecycle: pure queries plus {@link Lifecycle.next}, which refuses what the spec does not allow. */
export interface Lifecycle<S extends string, A extends string> {
  readonly kind: string;
  readonly states: readonly S[];
  readonly actions: readonly A[];
  /** True when `action` may be taken from `state` (false for unknown actions, e.g. a stale button). */
  can(state: S, action: string): action is A;
  /** The state `action` leads to from `state`; throws {@link InvalidTransitionError} when it is not allowed. */
  next(state: S, action: string, recordId?: string): S;
  /** Actions allowed from `state`, in the order the spec lists them. */
  allowedActions(state: S): A[];
  /** True when nothing can be done from `state`. */
  isFinal(state: S): boolean;
  /** The state as it reads in a sentence. */
  stateLabel(state: S): string;
  /** The action as it reads after "it can't be …". */
  pastTense(action: A): string;
  /** Narrows an untrusted string (a button value, a stored field) to a state of this lifecycle. */
  isState(value: unknown): value is S;
}

function regularPast(action: string): string {
  const words = action.replace(/_/g, ' ');
  return words.endsWith('e') ? `${words}d` : `${words}ed`;
}

/** Builds a lifecycle from its spec; throws at definition time if a transition names an unknown state. */
export function defineLifecycle<const S extends string, const A extends string>(
  spec: LifecycleSpec<S, A>,
): Lifecycle<S, A> {
  const stateSet = new Set<string>(spec.states);
  const actions = Object.keys(spec.transitions) as A[];
  for (const action of actions) {
    const t = spec.transitions[action];
    for (const s of [...t.from, t.to]) {
      if (!stateSet.has(s)) throw new Error(`${spec.kind} lifecycle: action "${action}" names unknown state "${s}"`);
    }
  }
  const has = (action: string): action is A => Object.prototype.hasOwnProperty.call(spec.transitions, action);
  const pastTense = (action: A): string => spec.transitions[action].past ?? regularPast(action);
  const stateLabel = (state: S): string => spec.stateLabels?.[state] ?? state.replace(/_/g, ' ');
  const allowedActions = (state: S): A[] => actions.filter((a) => spec.transitions[a].from.includes(state));
  const can = (state: S, action: string): action is A => has(action) && spec.transitions[action].from.includes(state);

  return {
    kind: spec.kind,
    states: spec.states,
    actions,
    can,
    allowedActions,
    isFinal: (state) => allowedActions(state).length === 0,
    stateLabel,
    pastTense,
    isState: (value): value is S => typeof value === 'string' && stateSet.has(value),
    next(state, action, recordId) {
      if (can(state, action)) return spec.transitions[action].to;
      const allowed = allowedActions(state);
      const subject = recordId ?? `This ${spec.kind}`;
      const verb = has(action) ? pastTense(action) : action.replace(/_/g, ' ');
      const instead =
        allowed.length > 0
          ? `It can be: ${allowed.map(pastTense).join(', ')}.`
          : `A ${stateLabel(state)} ${spec.kind} is final; nothing more can be done with it.`;
      throw new InvalidTransitionError(
        spec.kind,
        recordId,
        state,
        action,
        allowed,
        `${subject} is ${stateLabel(state)}; it can't be ${verb}. ${instead}`,
      );
    },
  };
}
