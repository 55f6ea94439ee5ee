// Koa chat proxy on the OpenAI v3 SDK (OpenAIApi): its answers are axios responses, the completion in `data`.
const Koa = require('koa');
const bodyParser = require('koa-bodyparser');
const { Configuration, OpenAIApi } = require('openai');

const openai = new OpenAIApi(new Configuration({ apiKey: process.env.OPENAI_API_KEY }));
const app = new Koa();
app.use(bodyParser());

app.use(async (ctx, next) => {
  if (ctx.path !== '/chat') return next();
  const { query } = ctx.request.body;
  try {
    const completion = await openai.createChatCompletion({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: query }] }); // expect: no-timeout
    const answer = completion.data;
    ctx.body = answer;
  } catch (err) {
    ctx.status = 502;
    ctx.body = { error: 'chat unavailable' };
  }
});

app.use(async (ctx, next) => {
  if (ctx.path !== '/reply') return next();
  const { query } = ctx.request.body;
  try {
    const completion = await openai.createChatCompletion({ model: 'gpt-3.5-turbo', messages: [{ role: 'user', content: query }] }, { timeout: 20000 }); // expect: untraced-prediction
    ctx.body = { reply: completion.data.choices[0].message.content };
  } catch (err) {
    ctx.status = 502;
    ctx.body = { error: 'chat unavailable' };
  }
});

app.listen(3000);
