/**
 * Checks on a question before it is searched: empty, too long, no words at all, or not in English. Each problem
 * has its own clear reply (see the messages file); none of them reaches the index or the store.
 */
import { LIMITS } from './process-questions.ids';

/** Why a question cannot be searched. */
export type QuestionProblem = 'empty' | 'too_long' | 'no_words' | 'other_language';

/** Function words of English and of the languages staff most often write in instead (words English lacks). */
const ENGLISH = new Set('the a an is are do does how what who where when why which i my we to for of in on can should need with and it this that be get'.split(' '));
const OTHER = new Set(
  (
    'wie ich ist der das und nicht mein meine kann einen eine ein wer was wo warum mit für von zu den dem bitte muss werden wird ' +
    'comment je est le les la des une pour qui que quoi mon ma mes avec pas faire nous vous où pourquoi quand ' +
    'cómo como qué quién quien el los las una para por mis con puedo hacer dónde cuál cuándo necesito ' +
    'hoe ik het een niet mijn waar wanneer waarom moet ' +
    'como não uma é você onde quando porque preciso ' +
    'jak jest nie czy gdzie dlaczego'
  ).split(' '),
);

/** True when the words are mostly in another language (another script, or another language's function words). */
export function looksLikeAnotherLanguage(text: string): boolean {
  const letters = text.match(/\p{L}/gu) ?? [];
  if (letters.length === 0) return false;
  const latin = letters.filter((ch) => /\p{Script=Latin}/u.test(ch)).length;
  if (latin / letters.length < 0.5) return true;
  const words = text.toLowerCase().split(/[^\p{L}]+/u).filter(Boolean);
  const english = words.filter((w) => ENGLISH.has(w)).length;
  const other = words.filter((w) => OTHER.has(w)).length;
  return other >= 2 && other > english;
}

/** The problem with a question, or null when it can be searched. */
export function questionProblem(question: string): QuestionProblem | null {
  const text = question.trim();
  if (text === '') return 'empty';
  if (text.length > LIMITS.question) return 'too_long';
  if (!/[\p{L}\p{N}]/u.test(text)) return 'no_words';
  if (looksLikeAnotherLanguage(text)) return 'other_language';
  return null;
}
