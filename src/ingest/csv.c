/* ingest/csv: being written. */
typedef int fl_placeholder_csv;
