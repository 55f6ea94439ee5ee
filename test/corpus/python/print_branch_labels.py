"""A churn model tried out in a script: the branch on its label only prints it in words, which decides nothing."""
import joblib
import pandas as pd

model = joblib.load("models/churn.joblib")  # expect: unsafe-model-load
customer = pd.DataFrame({"tenure": [1], "MonthlyCharges": [85.0], "Contract": ["Two year"]})

result = model.predict(customer)  # expect: no-fallback
if result == 1:
    print("churn")
else:
    print("No churn")
