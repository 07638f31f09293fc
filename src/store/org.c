/* store/org: being written. */
typedef int fl_placeholder_org;
