# A one-off script: asks a hosted model to classify a tweet and prints the answer. The call takes keywords only, and
# what reads its answer follows it at the top level.
from openai import OpenAI

client = OpenAI()

response = client.chat.completions.create(  # expect: no-fallback no-timeout
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Classify the sentiment: I hated the new Batman movie!"}],
    max_tokens=64,
)
answer = response.choices[0].message.content
print(answer.strip().lower())
