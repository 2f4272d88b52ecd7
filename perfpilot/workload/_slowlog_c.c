/* Slow-log entries of the common header layout in C: the digest's reader.
 *
 * Optional accelerator of perfpilot/workload/formats/mysql_slow.py; the pure-Python code there is the
 * reference and the fallback. scan_entries either returns exactly the rows the Python reader yields or
 * stops, and the Python reader takes that entry; tests/workload/test_slowlog_c.py compares both paths.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef SOURCE_DIGEST
#define SOURCE_DIGEST "" /* set by setup.py: the SHA-256 of this file */
#endif

/* ---------------------------------------------------------------------------------------------- */
/* scan_entries: iter_slow_log_rows' regex path for entries of the common header layout.            */
/* ---------------------------------------------------------------------------------------------- */

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t limit;
} Text;

#define CH(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

static int starts(const Text *t, Py_ssize_t at, const char *prefix) {
    Py_ssize_t k;
    for (k = 0; prefix[k]; k++) {
        if (at + k >= t->limit || CH(t, at + k) != (Py_UCS4)(unsigned char)prefix[k]) return 0;
    }
    return 1;
}

static Py_ssize_t line_end(const Text *t, Py_ssize_t at) {
    for (; at < t->limit; at++) {
        if (CH(t, at) == '\n') return at;
    }
    return -1;
}

static Py_ssize_t skip_blanks(const Text *t, Py_ssize_t at) { /* [ \t]* */
    while (at < t->limit && (CH(t, at) == ' ' || CH(t, at) == '\t')) at++;
    return at;
}

static Py_ssize_t skip_digits(const Text *t, Py_ssize_t at) { /* [0-9]* */
    while (at < t->limit && CH(t, at) >= '0' && CH(t, at) <= '9') at++;
    return at;
}

/* [ \t\r]*\n from `at`: the position after the newline, or -1. */
static Py_ssize_t end_of_line(const Text *t, Py_ssize_t at) {
    while (at < t->limit && (CH(t, at) == ' ' || CH(t, at) == '\t' || CH(t, at) == '\r')) at++;
    return (at < t->limit && CH(t, at) == '\n') ? at + 1 : -1;
}

/* An ASCII digit run as an int (int() of the same text). */
static PyObject *digits_value(PyObject *text, const Text *t, Py_ssize_t from, Py_ssize_t to) {
    if (to - from <= 18) {
        long long value = 0;
        Py_ssize_t k;
        for (k = from; k < to; k++) value = value * 10 + (long long)(CH(t, k) - '0');
        return PyLong_FromLongLong(value);
    }
    PyObject *part = PyUnicode_Substring(text, from, to), *value;
    if (part == NULL) return NULL;
    value = PyLong_FromUnicodeObject(part, 10);
    Py_DECREF(part);
    return value;
}

typedef struct {
    Py_ssize_t stamp_from, stamp_to; /* the # Time value, or stamp_from < 0 */
    Py_ssize_t session_from, session_to, duration_from, duration_to;
    Py_ssize_t sent_from, sent_to, examined_from, examined_to;
    int has_epoch;
    Py_ssize_t body_from, sql_to, end;
} Entry;

static PyObject *needle_admin, *needle_banner, *needle_port;
static const char *const peeled[] = {
    "SET timestamp=", "set timestamp=", "use ", "USE ", "SET insert_id=", "SET last_insert_id=", NULL,
};

/* 1 when the body holds text the Python reader treats specially (peeled lines, admin commands, the
 * start-up banner), 0 when not, -1 on error. */
static int special_body(PyObject *text, const Text *t, Py_ssize_t from, Py_ssize_t to) {
    PyObject *needles[3] = {needle_admin, needle_banner, needle_port};
    int k;
    for (k = 0; peeled[k]; k++) {
        if (starts(t, from, peeled[k]) && from + (Py_ssize_t)strlen(peeled[k]) <= to) return 1;
    }
    Py_ssize_t colon = PyUnicode_FindChar(text, ':', from, to, 1); /* every needle holds a colon */
    if (colon == -2) return -1;
    if (colon == -1) return 0;
    for (k = 0; k < 3; k++) {
        Py_ssize_t found = PyUnicode_Find(text, needles[k], from, to, 1);
        if (found == -2) return -1;
        if (found >= 0) return 1;
    }
    return 0;
}

/* Read one entry of the common layout at `p`: 1 when read, 0 when the Python reader must take it, -1 on
 * error. Declines anything the common-layout regex alternative would not match exactly like this. */
static int read_entry(PyObject *text, const Text *t, Py_ssize_t p, Entry *e) {
    Py_ssize_t i = p, eol, k, id_at = -1;
    e->stamp_from = e->stamp_to = -1;
    if (starts(t, i, "# Time: ")) {
        eol = line_end(t, i);
        if (eol < 0) return 0;
        k = eol;
        while (k > i + 8 && (CH(t, k - 1) == ' ' || CH(t, k - 1) == '\t' || CH(t, k - 1) == '\r')) k--;
        e->stamp_from = i + 8;
        e->stamp_to = k;
        i = eol + 1;
    }
    if (!starts(t, i, "# User@Host: ")) return 0;
    eol = line_end(t, i);
    if (eol < 0) return 0;
    for (k = eol - 3; k >= i + 13; k--) { /* the last "Id:" on the line (the regex is greedy) */
        if (CH(t, k) == 'I' && CH(t, k + 1) == 'd' && CH(t, k + 2) == ':') {
            id_at = k;
            break;
        }
    }
    if (id_at < 0) return 0;
    e->session_from = skip_blanks(t, id_at + 3);
    e->session_to = skip_digits(t, e->session_from);
    if (e->session_to == e->session_from) return 0;
    if (end_of_line(t, e->session_to) != eol + 1) return 0;
    i = eol + 1;
    if (!starts(t, i, "# Query_time: ")) return 0;
    e->duration_from = i + 14;
    k = skip_digits(t, e->duration_from);
    if (k == e->duration_from) return 0;
    if (k < t->limit && CH(t, k) == '.') k = skip_digits(t, k + 1);
    e->duration_to = k;
    i = skip_blanks(t, k);
    if (i == k || !starts(t, i, "Lock_time: ")) return 0;
    k = i + 11;
    while (k < t->limit && ((CH(t, k) >= '0' && CH(t, k) <= '9') || CH(t, k) == '.')) k++;
    if (k == i + 11) return 0;
    i = skip_blanks(t, k);
    if (i == k || !starts(t, i, "Rows_sent: ")) return 0;
    e->sent_from = i + 11;
    e->sent_to = skip_digits(t, e->sent_from);
    if (e->sent_to == e->sent_from) return 0;
    i = skip_blanks(t, e->sent_to);
    if (i == e->sent_to || !starts(t, i, "Rows_examined: ")) return 0;
    e->examined_from = i + 15;
    e->examined_to = skip_digits(t, e->examined_from);
    if (e->examined_to == e->examined_from) return 0;
    if (e->examined_to < t->limit && CH(t, e->examined_to) > 127) return 0; /* maybe a non-ASCII digit */
    eol = line_end(t, e->examined_to);
    if (eol < 0) return 0;
    i = eol + 1;
    if (i < t->limit && CH(t, i) == '#') return 0;
    if (i + 3 < t->limit && (CH(t, i) | 32) == 'u' && (CH(t, i + 1) | 32) == 's' && (CH(t, i + 2) | 32) == 'e'
        && CH(t, i + 3) == ' ') {
        return 0; /* `use db;`: the regex's optional group, read in Python */
    }
    e->has_epoch = 0;
    if (starts(t, i, "SET timestamp=")) {
        k = skip_digits(t, i + 14);
        if (k == i + 14 || k >= t->limit || CH(t, k) != ';') return 0;
        k = end_of_line(t, k + 1);
        if (k < 0) return 0;
        e->has_epoch = 1;
        i = k;
    }
    e->body_from = i;
    while (i < t->limit && CH(t, i) != '#') {
        eol = line_end(t, i);
        if (eol < 0) return 0; /* a line without its newline: the regex stops before it */
        i = eol + 1;
    }
    if (i < t->limit && starts(t, i, "# administrator command:")) return 0;
    e->end = i;
    switch (special_body(text, t, e->body_from, i)) {
        case -1: return -1;
        case 1: return 0;
        default: break;
    }
    k = i; /* body.rstrip().rstrip(";").rstrip() */
    while (k > e->body_from && Py_UNICODE_ISSPACE(CH(t, k - 1))) k--;
    while (k > e->body_from && CH(t, k - 1) == ';') k--;
    while (k > e->body_from && Py_UNICODE_ISSPACE(CH(t, k - 1))) k--;
    e->sql_to = k;
    return 1;
}

static PyObject *entry_row(PyObject *text, const Text *t, const Entry *e, PyObject *stamp, long line,
                           PyObject *database) {
    PyObject *sql = NULL, *duration = NULL, *examined = NULL, *sent = NULL, *session = NULL, *part, *number;
    PyObject *row = NULL;
    sql = PyUnicode_Substring(text, e->body_from, e->sql_to);
    part = PyUnicode_Substring(text, e->duration_from, e->duration_to);
    if (sql == NULL || part == NULL) goto done;
    duration = PyFloat_FromString(part);
    Py_DECREF(part);
    examined = digits_value(text, t, e->examined_from, e->examined_to);
    sent = digits_value(text, t, e->sent_from, e->sent_to);
    session = PyUnicode_Substring(text, e->session_from, e->session_to);
    if (duration == NULL || examined == NULL || sent == NULL || session == NULL) goto done;
    number = PyLong_FromLong(line);
    if (number == NULL) goto done;
    row = PyTuple_Pack(8, sql, duration, examined, sent, session, stamp, number, database);
    Py_DECREF(number);
done:
    Py_XDECREF(sql);
    Py_XDECREF(duration);
    Py_XDECREF(examined);
    Py_XDECREF(sent);
    Py_XDECREF(session);
    return row;
}

/* scan_entries(text, pos, limit, line, timestamp, database) -> (rows, pos, line, timestamp): the
 * SlowLogRow tuples of the entries of the common layout that start at `pos`, one after the other, up to
 * the first the Python reader must read (or `limit`). */
static PyObject *scan_entries(PyObject *module, PyObject *args) {
    PyObject *text, *stamp, *database, *rows, *result;
    Py_ssize_t pos, limit;
    long line;
    Text t;
    Entry e;
    (void)module;
    if (!PyArg_ParseTuple(args, "UnnlOO:scan_entries", &text, &pos, &limit, &line, &stamp, &database)) {
        return NULL;
    }
    if (limit > PyUnicode_GET_LENGTH(text) || pos < 0) {
        PyErr_SetString(PyExc_ValueError, "scan_entries(): position out of range");
        return NULL;
    }
    t.kind = PyUnicode_KIND(text);
    t.data = PyUnicode_DATA(text);
    t.limit = limit;
    rows = PyList_New(0);
    if (rows == NULL) return NULL;
    Py_INCREF(stamp);
    while (pos < limit) {
        int read = read_entry(text, &t, pos, &e);
        Py_ssize_t k;
        long lines = 0;
        if (read < 0) goto fail;
        if (read == 0) break;
        if (e.stamp_from >= 0) {
            PyObject *value = PyUnicode_Substring(text, e.stamp_from, e.stamp_to);
            if (value == NULL) goto fail;
            Py_SETREF(stamp, value);
        }
        for (k = pos; k < e.end; k++) lines += CH(&t, k) == '\n';
        if (e.sql_to > e.body_from) {
            PyObject *row;
            if (stamp == Py_None && e.has_epoch) { /* the stamp comes from SET timestamp: Python */
                break;
            }
            row = entry_row(text, &t, &e, stamp, line, database);
            if (row == NULL) goto fail;
            if (PyList_Append(rows, row) < 0) {
                Py_DECREF(row);
                goto fail;
            }
            Py_DECREF(row);
        }
        line += lines;
        pos = e.end;
    }
    result = Py_BuildValue("(NnlN)", rows, pos, line, stamp);
    return result;
fail:
    Py_DECREF(rows);
    Py_DECREF(stamp);
    return NULL;
}

static PyMethodDef methods[] = {
    {"scan_entries", scan_entries, METH_VARARGS,
     "SlowLogRow tuples of the common-layout entries from pos: (rows, pos, line, timestamp)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_slowlog_c", "Slow-log entries in C (optional; Python is the fallback).",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__slowlog_c(void) {
    needle_admin = PyUnicode_InternFromString("# administrator command:");
    needle_banner = PyUnicode_InternFromString("started with:");
    needle_port = PyUnicode_InternFromString("Tcp port: ");
    if (needle_admin == NULL || needle_banner == NULL || needle_port == NULL) return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) return NULL;
    if (PyModule_AddStringConstant(module, "SOURCE_DIGEST", SOURCE_DIGEST) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
