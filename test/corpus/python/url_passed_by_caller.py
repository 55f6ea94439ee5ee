"""Scoring dashboard: the endpoint reaches the request helper as an argument from the page's main()."""
import requests
import streamlit as st

SCORING_TIMEOUT_S = 3.0


def fetch_score(api_url, customer_id):
    response = requests.get(api_url + "?id=" + customer_id)  # expect: no-fallback no-timeout
    return response.json()


def fetch_score_bounded(customer_id, endpoint):
    try:
        response = requests.get(endpoint, params={"id": customer_id}, timeout=SCORING_TIMEOUT_S)
        return response.json()
    except requests.RequestException:
        return {"score": None, "error": "scoring unavailable"}


def fetch_profile(url, customer_id):
    # The callers pass a users endpoint: not a prediction.
    return requests.get(url + customer_id, timeout=SCORING_TIMEOUT_S).json()


def main():
    api_url = "https://scoring.internal/predict/"
    customer_id = st.text_input("Customer id")
    st.json(fetch_profile("https://crm.internal/users/", customer_id))
    st.write(fetch_score(api_url, customer_id))
    st.write(fetch_score_bounded(customer_id, endpoint="https://scoring.internal/v2/models/churn/infer"))


if __name__ == "__main__":
    main()
