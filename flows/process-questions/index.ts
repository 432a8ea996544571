export { createProcessQuestionsFlow, processQuestionsFlow } from './process-questions.flow';
export { createKnowledgeHolder, sharedKnowledge, DEFAULT_KNOWLEDGE_DIR, fixedKnowledge, type KnowledgePort, type KnowledgeHolder } from './knowledge-port';
export { loadKnowledgeIndex, createKnowledgeIndex, type KnowledgeIndex } from './knowledge-index';
