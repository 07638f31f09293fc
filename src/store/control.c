/* store/control: being written. */
typedef int fl_placeholder_control;
