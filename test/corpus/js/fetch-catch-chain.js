// Browser widget: promise-chain style calls to a recommendation model.
const ENDPOINT = '/api/recommendations/score';

export function loadRecommendations(userId, onResult) {
  fetch(ENDPOINT, { method: 'POST', body: JSON.stringify({ userId }) }) // expect: no-timeout
    .then((r) => r.json())
    .then((data) => {
      console.debug('recs', { modelVersion: data.model_version });
      onResult(data.items);
    })
    .catch(() => onResult([]));
}

export async function scoreOnce(userId) {
  const res = await fetch(ENDPOINT, { method: 'POST', body: JSON.stringify({ userId }) }).catch((err) => { // expect: no-fallback no-timeout untraced-prediction
    throw new Error(`scoring failed: ${err.message}`);
  });
  return res.json();
}

export async function scoreOrNull(userId) {
  const res = await fetch(ENDPOINT, { method: 'POST', body: JSON.stringify({ userId }), signal: AbortSignal.timeout(300) }).catch(() => null); // expect: untraced-prediction
  return res ? res.json() : null;
}

const timeout = (ms) => new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms));

export async function scoreWithDeadline(userId) {
  try {
    const res = await Promise.race([fetch(ENDPOINT, { method: 'POST', body: JSON.stringify({ userId }) }), timeout(250)]);
    const data = await res.json();
    console.debug('recs', { modelVersion: data.model_version });
    return data.items;
  } catch {
    return [];
  }
}
