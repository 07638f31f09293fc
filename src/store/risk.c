/* store/risk: being written. */
typedef int fl_placeholder_risk;
