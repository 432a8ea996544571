export { helpFlow } from './help.flow';
