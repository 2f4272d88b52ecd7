/* The digest's per-shape running totals in C: aggregate_rows' loop over slow-log rows.
 *
 * Optional accelerator of perfpilot/workload/aggregate.py (ShapeTotals.add_one is the reference and the
 * fallback): the same figures, added in the same order (float sums are sequential, as in Python).
 * tests/workload/test_slowlog_c.py compares both paths.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#ifndef SOURCE_DIGEST
#define SOURCE_DIGEST "" /* set by setup.py: the SHA-256 of this file */
#endif

#define FLUSH_EVERY 64 /* 512 bytes per shape */

typedef struct {
    PyObject_HEAD
    Py_ssize_t count, timed;
    double total_time, max_time, example_time;
    PyObject *example, *first_seen, *last_seen, *rows_examined, *rows_sent, *sketch;
    double pending[FLUSH_EVERY]; /* durations not yet handed to the sketch */
    Py_ssize_t n_pending;
} Tally;

static void tally_dealloc(Tally *self) {
    Py_XDECREF(self->example);
    Py_XDECREF(self->first_seen);
    Py_XDECREF(self->last_seen);
    Py_XDECREF(self->rows_examined);
    Py_XDECREF(self->rows_sent);
    Py_XDECREF(self->sketch);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Hand the pending durations to the sketch (QuantileSketch.add_packed, one call per FLUSH_EVERY). */
static int tally_flush(Tally *self) {
    PyObject *done;
    if (self->n_pending == 0) return 0;
    done = PyObject_CallMethod(self->sketch, "add_packed", "y#", (const char *)self->pending,
                               (Py_ssize_t)(self->n_pending * (Py_ssize_t)sizeof(double)));
    self->n_pending = 0;
    if (done == NULL) return -1;
    Py_DECREF(done);
    return 0;
}

/* Tally.totals() -> (count, timed, total_time, max_time, example, example_time, rows_examined,
 * rows_sent, first_seen, last_seen, sketch), the sketch holding every duration. */
static PyObject *tally_totals(Tally *self, PyObject *unused) {
    (void)unused;
    if (tally_flush(self) < 0) return NULL;
    return Py_BuildValue("(nnddOdOOOOO)", self->count, self->timed, self->total_time, self->max_time,
                         self->example, self->example_time, self->rows_examined, self->rows_sent,
                         self->first_seen, self->last_seen, self->sketch);
}

static PyMethodDef tally_methods[] = {
    {"totals", (PyCFunction)tally_totals, METH_NOARGS, "The running figures as a tuple."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TallyType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "perfpilot.workload._tally_c.Tally",
    .tp_basicsize = sizeof(Tally),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Running figures of one shape (ShapeTotals in C).",
    .tp_dealloc = (destructor)tally_dealloc,
    .tp_methods = tally_methods,
};

static Tally *tally_new(PyObject *sql, PyObject *stamp, PyObject *new_sketch) {
    Tally *self = PyObject_New(Tally, &TallyType);
    if (self == NULL) return NULL;
    self->count = self->timed = self->n_pending = 0;
    self->total_time = self->max_time = 0.0;
    self->example_time = -1.0;
    Py_INCREF(sql);
    self->example = sql;
    Py_INCREF(stamp);
    self->first_seen = stamp;
    Py_INCREF(stamp);
    self->last_seen = stamp;
    Py_INCREF(Py_None);
    self->rows_examined = Py_None;
    Py_INCREF(Py_None);
    self->rows_sent = Py_None;
    self->sketch = PyObject_CallNoArgs(new_sketch);
    if (self->sketch == NULL) {
        Py_DECREF(self);
        return NULL;
    }
    return self;
}

/* (total or 0) + value, as `(self.rows_examined or 0) + examined` */
static int add_rows(PyObject **total, PyObject *value) {
    PyObject *sum;
    if (*total == Py_None) {
        Py_INCREF(value);
        Py_SETREF(*total, value);
        return 0;
    }
    sum = PyNumber_Add(*total, value);
    if (sum == NULL) return -1;
    Py_SETREF(*total, sum);
    return 0;
}

/* ShapeTotals.add_one */
static int tally_add(Tally *self, PyObject *sql, PyObject *duration, PyObject *examined, PyObject *sent,
                     PyObject *stamp) {
    self->count++;
    if (duration != Py_None) {
        double value = PyFloat_AsDouble(duration);
        if (value == -1.0 && PyErr_Occurred()) return -1;
        self->timed++;
        self->total_time += value;
        self->pending[self->n_pending++] = value;
        if (self->n_pending == FLUSH_EVERY && tally_flush(self) < 0) return -1;
        if (value > self->max_time) {
            self->max_time = value;
            if (value > self->example_time) {
                self->example_time = value;
                Py_INCREF(sql);
                Py_SETREF(self->example, sql);
            }
        }
    }
    if (examined != Py_None && add_rows(&self->rows_examined, examined) < 0) return -1;
    if (sent != Py_None && add_rows(&self->rows_sent, sent) < 0) return -1;
    if (stamp != Py_None) {
        if (self->first_seen == Py_None) {
            Py_INCREF(stamp);
            Py_SETREF(self->first_seen, stamp);
        }
        Py_INCREF(stamp);
        Py_SETREF(self->last_seen, stamp);
    }
    return 0;
}

/* The shape text of one statement: cache[mask(sql)] when mask gives a text the cache holds, else
 * shape_of(sql) (which fills the cache). New reference. */
static PyObject *shape_text(PyObject *sql, PyObject *mask, PyObject *cache, PyObject *shape_of) {
    PyObject *masked = PyObject_CallOneArg(mask, sql);
    if (masked == NULL) return NULL;
    if (masked != Py_None) {
        PyObject *shape = PyDict_GetItemWithError(cache, masked);
        Py_DECREF(masked);
        if (shape != NULL) {
            Py_INCREF(shape);
            return shape;
        }
        if (PyErr_Occurred()) return NULL;
    } else {
        Py_DECREF(masked);
    }
    return PyObject_CallOneArg(shape_of, sql);
}

/* tally_rows(rows, mask, cache, shape_of, new_sketch, shapes): add every SlowLogRow of `rows` to the
 * Tally of its shape in `shapes` (new shapes in first-seen order). */
static PyObject *tally_rows(PyObject *module, PyObject *args) {
    PyObject *rows, *mask, *cache, *shape_of, *new_sketch, *shapes, *iterator, *row;
    (void)module;
    if (!PyArg_ParseTuple(args, "OOO!OOO!:tally_rows", &rows, &mask, &PyDict_Type, &cache, &shape_of,
                          &new_sketch, &PyDict_Type, &shapes)) {
        return NULL;
    }
    iterator = PyObject_GetIter(rows);
    if (iterator == NULL) return NULL;
    while ((row = PyIter_Next(iterator)) != NULL) {
        PyObject *sql, *shape, *tally;
        int failed;
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != 8) {
            PyErr_SetString(PyExc_TypeError, "tally_rows(): a row is not an 8-tuple");
            Py_DECREF(row);
            break;
        }
        sql = PyTuple_GET_ITEM(row, 0);
        shape = shape_text(sql, mask, cache, shape_of);
        if (shape == NULL) {
            Py_DECREF(row);
            break;
        }
        tally = PyDict_GetItemWithError(shapes, shape);
        if (tally == NULL) {
            if (PyErr_Occurred()) {
                Py_DECREF(shape);
                Py_DECREF(row);
                break;
            }
            tally = (PyObject *)tally_new(sql, PyTuple_GET_ITEM(row, 5), new_sketch);
            if (tally == NULL || PyDict_SetItem(shapes, shape, tally) < 0) {
                Py_XDECREF(tally);
                Py_DECREF(shape);
                Py_DECREF(row);
                break;
            }
            Py_DECREF(tally); /* the dict holds it */
        } else if (Py_TYPE(tally) != &TallyType) {
            PyErr_SetString(PyExc_TypeError, "tally_rows(): shapes holds a value that is not a Tally");
            Py_DECREF(shape);
            Py_DECREF(row);
            break;
        }
        Py_DECREF(shape);
        failed = tally_add((Tally *)tally, sql, PyTuple_GET_ITEM(row, 1), PyTuple_GET_ITEM(row, 2),
                           PyTuple_GET_ITEM(row, 3), PyTuple_GET_ITEM(row, 5));
        Py_DECREF(row);
        if (failed < 0) break;
    }
    Py_DECREF(iterator);
    if (PyErr_Occurred()) return NULL;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"tally_rows", tally_rows, METH_VARARGS,
     "Add SlowLogRow tuples to per-shape Tally objects: (rows, mask, cache, shape_of, new_sketch, shapes)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_tally_c", "Per-shape running totals in C (optional; Python is the fallback).",
    -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__tally_c(void) {
    PyObject *module;
    if (PyType_Ready(&TallyType) < 0) return NULL;
    module = PyModule_Create(&module_def);
    if (module == NULL) return NULL;
    if (PyModule_AddStringConstant(module, "SOURCE_DIGEST", SOURCE_DIGEST) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    Py_INCREF(&TallyType);
    if (PyModule_AddObject(module, "Tally", (PyObject *)&TallyType) < 0) {
        Py_DECREF(&TallyType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
