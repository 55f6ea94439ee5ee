¡
-"serve*2.15.02v2.15.0-rc1-8-g6887368d6d48*>
__saved_model_init_op%#
__saved_model_init_op

NoOp*¯
serving_default›
A
image8
serving_default_image:0ÿÿÿÿÿÿÿÿÿàà:
scores0
StatefulPartitionedCall:0ÿÿÿÿÿÿÿÿÿ
tensorflow/serving/predict