/* eslint-disable */
// Pages that call a model server's /predict from the browser and show what it answered.
import { useState } from 'react';
import axios from 'axios';

export function DiabetesForm() {
  const [verdict, setVerdict] = useState('Fill in the form');
  async function onSubmit(event) {
    event.preventDefault();
    try {
      const res = await fetch('https://diabetes-model.example.com/predict', { method: 'POST', body: new FormData(event.target), signal: AbortSignal.timeout(3000) }); // expect: no-confidence
      const json = await res.json();
      setVerdict(json.Outcome ?? json.Prediction);
    } catch (err) {
      setVerdict('The model is unavailable: try again later');
    }
  }
  return <form onSubmit={onSubmit}><p>{verdict}</p></form>;
}

export function LoanForm({ form }) {
  const [decision, setDecision] = useState(null);
  const submit = async () => {
    try {
      const res = await axios.post(`${process.env.REACT_APP_API}/predict`, form, { timeout: 2000 }); // expect: no-confidence
      setDecision(res.data.result);
    } catch {
      setDecision('pending review');
    }
  };
  return <button onClick={submit}>{decision ?? 'Check'}</button>;
}

// The answer shown together with the probability the server sent: the user sees how sure the model is.
export function CropForm({ inputs }) {
  const [crop, setCrop] = useState(null);
  const submit = async () => {
    try {
      const { data } = await axios.post('http://localhost:5000/predict', inputs, { timeout: 2000 });
      setCrop({ name: data.prediction, probability: data.probability });
    } catch {
      setCrop(null);
    }
  };
  return <button onClick={submit}>{crop ? `${crop.name} (${crop.probability})` : 'Predict'}</button>;
}

// A regression: the page shows a price, no class label is read.
export function PriceForm({ features }) {
  const [price, setPrice] = useState(null);
  const submit = async () => {
    try {
      const res = await axios.post('/api/predict', { features }, { timeout: 2000 });
      setPrice(res.data.price);
    } catch {
      setPrice(null);
    }
  };
  return <button onClick={submit}>{price ?? 'Estimate'}</button>;
}

// Only logged while debugging: it decides nothing here.
export async function debugPredict(features) {
  try {
    const res = await axios.post('http://localhost:5000/predict', { features }, { timeout: 2000 });
    console.log('model said', res.data.prediction);
  } catch (err) {
    console.error(err);
  }
}
