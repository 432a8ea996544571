export { reportIncidentFlow } from './report-incident.flow';
