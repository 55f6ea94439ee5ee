/* eslint-disable */
// @ts-nocheck
// A React form that asks the backend for a prediction.
import { useState } from 'react';

export function PredictForm() {
  const [text, setText] = useState('');
  const [label, setLabel] = useState<string | null>(null);

  async function handleSubmit(e: React.FormEvent) {
    e.preventDefault();
    const res = await fetch('/api/predict', { method: 'POST', body: JSON.stringify({ text }) }); // expect: no-fallback no-timeout no-confidence
    const data = await res.json();
    setLabel(data.label);
  }

  return (
    <form onSubmit={handleSubmit}>
      <textarea value={text} onChange={(e) => setText(e.target.value)} />
      <button type="submit">Classify</button>
      {label && <p className="result">Label: {label}</p>}
    </form>
  );
}
