/* eslint-disable */
// @ts-nocheck
// Risk dashboard: a React hook that scores accounts through an axios instance.
import axios from 'axios';
import { useEffect, useState } from 'react';

const riskApi = axios.create({ baseURL: process.env.NEXT_PUBLIC_RISK_API });

export function useRiskScore(accountId: string) {
  const [score, setScore] = useState<number | null>(null);

  useEffect(() => {
    riskApi
      .post('/score', { accountId }, { timeout: 1000 })
      .then((res) => {
        console.info('risk', { modelVersion: res.data.model_version });
        setScore(res.data.score);
      })
      .catch(() => setScore(null));
  }, [accountId]);

  return score;
}

export function RiskBadge({ accountId }: { accountId: string }) {
  const score = useRiskScore(accountId);
  const refresh = async () => {
    const res = await riskApi.post('/score', { accountId, fresh: true }); // expect: no-fallback no-timeout
    alert(`Risk: ${res.data.score}`);
  };
  return (
    <span className={score !== null && score > 0.8 ? 'badge red' : 'badge'} onClick={refresh}>
      {score ?? '…'}
    </span>
  );
}
