/**
 * "Raise improvement" on another record (a resolved incident, a reviewed change): one button every flow shows the
 * same way, handled by the improvement flow, which opens its form with the source filled in.
 */
import { actionId, type Button } from '../../src/engine/message';

/** The improvement flow's action that opens its form for a source record; the value is the record's number. */
export const RAISE_IMPROVEMENT_ACTION = actionId('improvement-actions', 'raise');

/** The button for a record (`INC-000123`, `CHG-000045`, `PRB-000007`). */
export function raiseImprovementButton(recordId: string): Button {
  return { action: RAISE_IMPROVEMENT_ACTION, label: 'Raise improvement', value: recordId };
}
