/* eslint-disable */
// @ts-nocheck
'use client';
// The same form done right: abortable request with a timeout, a fallback, a confidence threshold and the model
// version in analytics.
import { useEffect, useRef, useState } from 'react';
import { track } from '@/lib/analytics';

const TIMEOUT_MS = 1500;
const MIN_CONFIDENCE = 0.7;

export default function SafePredictForm({ userId }: { userId: string }) {
  const [result, setResult] = useState<{ label: string; source: string } | null>(null);
  const [profile, setProfile] = useState(null);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => {
    fetch(`/api/users/${userId}`).then((r) => r.json()).then(setProfile);
  }, [userId]);

  const onSubmit = async (text: string) => {
    controller.current = new AbortController();
    const timer = setTimeout(() => controller.current?.abort(), TIMEOUT_MS);
    try {
      const res = await fetch('/api/predict', { method: 'POST', body: JSON.stringify({ text }), signal: controller.current.signal });
      const data = await res.json();
      track('prediction', { modelVersion: data.modelVersion });
      if (data.confidence < MIN_CONFIDENCE) setResult({ label: 'unknown', source: 'low-confidence' });
      else setResult({ label: data.label, source: 'model' });
    } catch {
      setResult({ label: 'unknown', source: 'fallback' });
    } finally {
      clearTimeout(timer);
    }
  };

  return (
    <div>
      {profile && <h2>{profile.name}</h2>}
      <PredictInput onSubmit={onSubmit} />
      {result && <Result value={result} />}
    </div>
  );
}
