"""Nightly batch scoring: LightGBM booster over yesterday's parquet partition."""
import sys

import lightgbm as lgb
import pandas as pd

partition = sys.argv[1]
features = pd.read_parquet(f"s3://lake/features/dt={partition}/")
scorer = lgb.Booster(model_file="models/ltv/model.txt")

features["ltv"] = scorer.predict(features.drop(columns=["customer_id"]))  # expect: no-fallback untraced-prediction
features[["customer_id", "ltv"]].to_parquet(f"s3://lake/scores/ltv/dt={partition}/part-0.parquet")
print(f"scored {len(features)} customers")
