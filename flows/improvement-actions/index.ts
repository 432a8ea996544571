export { improvementActionsFlow } from './improvement-actions.flow';
