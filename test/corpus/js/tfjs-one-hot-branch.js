// Rock-paper-scissors API (Hapi + tfjs-node): the output read as one-hot, each element branched on by its truth.
const Hapi = require('@hapi/hapi');
const tf = require('@tensorflow/tfjs-node');

const MODEL_VERSION = 'rps-2024-03';

async function start() {
  const model = await tf.loadLayersModel('file://models/rps/model.json');
  const server = Hapi.server({ port: 3000, host: '127.0.0.1' });

  server.route({
    method: 'POST',
    path: '/predicts',
    handler: async (request) => {
      const tensor = tf.node.decodeJpeg(request.payload.image).resizeNearestNeighbor([150, 150]).expandDims().toFloat();
      const predictions = await model.predict(tensor).data(); // expect: no-fallback no-confidence untraced-prediction
      const [paper, rock] = predictions;
      if (paper) {
        return { result: 'paper' };
      }
      if (rock) {
        return { result: 'rock' };
      }
      return { result: 'scissors' };
    },
  });

  server.route({
    method: 'POST',
    path: '/predicts/first',
    handler: async (request) => {
      const tensor = tf.node.decodeJpeg(request.payload.image).resizeNearestNeighbor([150, 150]).expandDims().toFloat();
      try {
        const scores = await model.predict(tensor).data(); // expect: no-confidence
        const paper = scores[0];
        if (paper) return { result: 'paper', model: MODEL_VERSION };
        return { result: 'other', model: MODEL_VERSION };
      } catch (err) {
        return { result: 'unknown', model: null };
      }
    },
  });

  server.route({
    method: 'POST',
    path: '/predicts/checked',
    handler: async (request) => {
      const tensor = tf.node.decodeJpeg(request.payload.image).resizeNearestNeighbor([150, 150]).expandDims().toFloat();
      try {
        const scores = await model.predict(tensor).data();
        const [paper, rock] = scores;
        if (paper > 0.8) return { result: 'paper', model: MODEL_VERSION };
        if (rock > 0.8) return { result: 'rock', model: MODEL_VERSION };
        return { result: 'unsure', model: MODEL_VERSION };
      } catch (err) {
        return { result: 'unknown', model: null };
      }
    },
  });

  server.route({
    method: 'POST',
    path: '/embedding',
    handler: async (request) => {
      const tensor = tf.node.decodeJpeg(request.payload.image).expandDims().toFloat();
      try {
        const [embedding] = await model.predict(tensor).array();
        if (!embedding) return { error: 'no embedding' };
        return { embedding, model: MODEL_VERSION };
      } catch (err) {
        return { embedding: null, model: null };
      }
    },
  });

  await server.start();
}

start();
