/* Statement literals in C: fingerprint()'s steps before its cache, for statements on its simple path.
 *
 * Optional accelerator of perfpilot/workload/fingerprint.py; the pure-Python code there is the reference
 * and the fallback. mask_literals either returns exactly what the Python code computes or declines
 * (None), so the caller runs the Python path for that statement; tests/workload/test_slowlog_c.py
 * compares both paths.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef SOURCE_DIGEST
#define SOURCE_DIGEST "" /* set by setup.py: the SHA-256 of this file */
#endif

/* ---------------------------------------------------------------------------------------------- */
/* mask_literals: fingerprint()'s steps before its cache, for statements on its simple path.        */
/* ---------------------------------------------------------------------------------------------- */

static int is_word(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

static int is_hex(unsigned char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

/* Outside _NUMBER's match: the end is at the text's end or before a character that is not \w or $. */
static int ends_number(const unsigned char *t, Py_ssize_t n, Py_ssize_t at) {
    return at >= n || !(is_word(t[at]) || t[at] == '$');
}

/* Where _NUMBER's match starting at p ends, or -1 when it does not match there. */
static Py_ssize_t number_end(const unsigned char *t, Py_ssize_t n, Py_ssize_t p) {
    Py_ssize_t q = p + 1, k, j1, e;
    if (p > 0 && (is_word(t[p - 1]) || t[p - 1] == '$' || t[p - 1] == '?')) {
        return -1;
    }
    if (t[p] == '0' && q + 1 < n && t[q] == 'x' && is_hex(t[q + 1])) {
        for (k = q + 1; k < n && is_hex(t[k]); k++) {}
        if (ends_number(t, n, k)) return k;
    }
    if (t[p] == '0' && q + 1 < n && t[q] == 'b' && (t[q + 1] == '0' || t[q + 1] == '1')) {
        for (k = q + 1; k < n && (t[k] == '0' || t[k] == '1'); k++) {}
        if (ends_number(t, n, k)) return k;
    }
    for (j1 = q; j1 < n && is_digit(t[j1]); j1++) {}
    e = j1;
    if (j1 < n && t[j1] == '.') {
        for (e = j1 + 1; e < n && is_digit(t[e]); e++) {}
    }
    /* exponent after the longest mantissa: e[-+]?[0-9]+ with its digits to the end */
    if (e < n && t[e] == 'e') {
        k = e + 1;
        if (k < n && (t[k] == '-' || t[k] == '+')) k++;
        if (k < n && is_digit(t[k])) {
            for (; k < n && is_digit(t[k]); k++) {}
            if (ends_number(t, n, k)) return k;
        }
    }
    if (ends_number(t, n, e)) return e;
    /* a shorter fraction ends before a digit; without the fraction the match ends before the dot */
    if (e != j1) return j1;
    return -1;
}

/* Where _SIMPLE_STRING's match starting at the quote q ends, or -1 when it does not match there. */
static Py_ssize_t string_end(const unsigned char *t, Py_ssize_t n, Py_ssize_t q) {
    Py_ssize_t j = q + 1, last_pair = -1;
    while (j < n) {
        unsigned char c = t[j];
        if (c == '\\') {
            if (j + 1 < n && t[j + 1] != '\n') {
                j += 2;
                continue;
            }
            break;
        }
        if (c == '\'') {
            if (j + 1 < n && t[j + 1] == '\'') {
                last_pair = j;
                j += 2;
                continue;
            }
            return j + 1;
        }
        j++;
    }
    return last_pair >= 0 ? last_pair + 1 : -1;
}

static PyObject *mask_literals(PyObject *module, PyObject *arg) {
    const unsigned char *s;
    unsigned char *low, *out;
    Py_ssize_t n, start = 0, i, m, w;
    int has_quote = 0;
    PyObject *result;
    (void)module;
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "mask_literals() expects a str");
        return NULL;
    }
    if (!PyUnicode_IS_ASCII(arg)) Py_RETURN_NONE;
    s = PyUnicode_1BYTE_DATA(arg);
    n = PyUnicode_GET_LENGTH(arg);
    while (start < n && Py_UNICODE_ISSPACE(s[start])) start++;
    while (n - start >= 2 && s[start] == '/' && s[start + 1] == '*') {
        Py_ssize_t end = -1;
        for (i = start + 1; i + 1 < n; i++) {
            if (s[i] == '*' && s[i + 1] == '/') {
                end = i;
                break;
            }
        }
        if (end < 0) break;
        start = end + 2;
        while (start < n && Py_UNICODE_ISSPACE(s[start])) start++;
    }
    for (i = start; i < n; i++) {
        unsigned char c = s[i];
        if (c == '#' || c == '"' || c == '`' || c == '$') Py_RETURN_NONE;
        if (c == '-' && i + 1 < n && s[i + 1] == '-') Py_RETURN_NONE;
        if (c == '/' && i + 1 < n && s[i + 1] == '*') Py_RETURN_NONE;
        if (c == '\'') has_quote = 1;
    }
    m = n - start;
    low = PyMem_Malloc(2 * (size_t)m + 2);
    if (low == NULL) return PyErr_NoMemory();
    out = low + m + 1;
    for (i = 0; i < m; i++) {
        unsigned char c = s[start + i];
        low[i] = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
    }
    if (has_quote) { /* strings first: a pass over the whole text, then numbers over its result */
        w = 0;
        for (i = 0; i < m;) {
            Py_ssize_t end = low[i] == '\'' ? string_end(low, m, i) : -1;
            if (end >= 0) {
                out[w++] = '?';
                i = end;
            } else {
                out[w++] = low[i++];
            }
        }
        memcpy(low, out, (size_t)w);
        m = w;
    }
    w = 0;
    for (i = 0; i < m;) {
        Py_ssize_t end = is_digit(low[i]) ? number_end(low, m, i) : -1;
        if (end >= 0) {
            out[w++] = '?';
            i = end;
        } else {
            out[w++] = low[i++];
        }
    }
    result = PyUnicode_FromStringAndSize((const char *)out, w);
    PyMem_Free(low);
    return result;
}

static PyMethodDef methods[] = {
    {"mask_literals", mask_literals, METH_O,
     "fingerprint()'s literal-free text of a statement on its simple path, else None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_literals_c", "Statement literals in C (optional; Python is the fallback).",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__literals_c(void) {
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) return NULL;
    if (PyModule_AddStringConstant(module, "SOURCE_DIGEST", SOURCE_DIGEST) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
