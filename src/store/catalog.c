/* store/catalog: being written. */
typedef int fl_placeholder_catalog;
