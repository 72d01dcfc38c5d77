// Links to an experiment card: `?experiment=<id>` opens the Experiments panel
// at that card and offers to run it. The query string, not the hash: the hash
// holds run links (share/url.ts), and a page can carry both.

import { cardById, type ExperimentCard } from './cards';

export const EXPERIMENT_PARAM = 'experiment';

/** The card a page's query names: null when none is named; an unknown id gives an error naming the known ones. */
export function experimentFromSearch(search: string, known: readonly string[]): { card: ExperimentCard | null; error: string | null } {
  const id = new URLSearchParams(search).get(EXPERIMENT_PARAM);
  if (id === null || id === '') return { card: null, error: null };
  const card = cardById(id);
  if (card) return { card, error: null };
  return { card: null, error: `experiment=${JSON.stringify(id).slice(0, 60)} is not an experiment; known: ${known.join(', ')}` };
}

/** This page's address opening card `id`: the other query parameters kept (?config=quick), any run link in the hash dropped. */
export function experimentLink(href: string, id: string): string {
  const url = new URL(href);
  url.searchParams.set(EXPERIMENT_PARAM, id);
  url.hash = '';
  return url.toString();
}
