/* cli/demo: being written. */
typedef int fl_placeholder_demo;
