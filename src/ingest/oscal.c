/* ingest/oscal: being written. */
typedef int fl_placeholder_oscal;
