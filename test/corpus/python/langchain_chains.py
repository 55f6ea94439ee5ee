"""LangChain: chat models and LLMs invoked directly, through a `prompt | llm | parser` pipeline, and through LLMChain."""
import logging

from langchain.chains import LLMChain
from langchain_community.llms import Ollama
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate, PromptTemplate
from langchain_openai import ChatOpenAI

logger = logging.getLogger(__name__)

summary_prompt = ChatPromptTemplate.from_template("Summarize in one sentence: {text}")
llm = ChatOpenAI(model="gpt-4o-mini", temperature=0)
safe_llm = ChatOpenAI(model="gpt-4o-mini", timeout=20, max_retries=1)


class AnswerService:
    def __init__(self, base_url: str):
        self.ollama = Ollama(base_url=base_url, model="llama3")

    def answer(self, question: str) -> str:
        chain = ChatPromptTemplate.from_template("Answer briefly: {input}") | self.ollama
        result = chain.invoke({"input": question})  # expect: no-fallback no-timeout untraced-prediction
        return result


def summarize(text: str) -> str:
    chain = summary_prompt | llm | StrOutputParser()
    return chain.invoke({"text": text})  # expect: no-fallback no-timeout untraced-prediction


def summarize_safely(text: str) -> dict:
    chain = summary_prompt | safe_llm | StrOutputParser()
    try:
        summary = chain.invoke({"text": text})
    except Exception:
        logger.exception("summary failed")
        return {"summary": text[:200], "model_version": None}
    return {"summary": summary, "model_version": safe_llm.model_name}


async def title(text: str) -> str:
    message = await llm.ainvoke(f"Give this a short title: {text}")  # expect: no-fallback no-timeout untraced-prediction
    return message.content


def legacy_keywords(text: str) -> str:
    chain = LLMChain(llm=llm, prompt=PromptTemplate.from_template("Keywords of: {text}"))
    return chain.run(text=text)  # expect: no-fallback no-timeout untraced-prediction


def print_haiku(topic: str) -> None:
    for chunk in safe_llm.stream(f"A haiku about {topic}"):  # expect: no-fallback
        print(chunk.content, end="")
