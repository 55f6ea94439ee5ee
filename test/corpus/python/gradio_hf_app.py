"""Gradio demo around a Hugging Face classifier."""
import gradio as gr
from transformers import pipeline

clf = pipeline("text-classification", model="SamLowe/roberta-base-go_emotions")


def emotion(text: str) -> str:
    top = clf(text)[0]  # expect: no-fallback untraced-prediction
    return f"{top['label']} ({top['score']:.0%})"


demo = gr.Interface(fn=emotion, inputs="text", outputs="text")

if __name__ == "__main__":
    demo.launch()
