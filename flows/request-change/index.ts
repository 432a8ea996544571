export { requestChangeFlow } from './request-change.flow';
