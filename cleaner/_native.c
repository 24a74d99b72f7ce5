/* Native line measurement: cleaner/prose.py's `_measure` for every line of a document in
 * one call.
 *
 * Why: measuring a line (tokenise, count stopwords, find sentence ends) costs about 5 µs in
 * Python through the `regex` module, and a corpus has ~24,000 lines per MB. Here it is one
 * pass over each line's code points.
 *
 * Exactness: the character classes (\w, \s, \p{Lu}, CJK) are not re-implemented. Python
 * hands in a table, one byte of flags per code point, that cleaner/native.py builds by
 * running the very `regex` classes that prose.py uses over every code point; stopwords and
 * str.lower / str.isupper are Python's own. tests/test_native.py checks the two paths agree.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define F_WORD 1   /* \w */
#define F_UPPER 2  /* \p{Lu} */
#define F_SPACE 4  /* \s */
#define F_CJK 8    /* [\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}] */

#define TABLE_SIZE 0x110000
#define STOP_SLOTS 4096 /* open addressing, power of two; ASCII stopwords only */
#define STOP_MAX_LEN 32

static unsigned char table[TABLE_SIZE];
static int configured = 0;
static char stop_ascii[STOP_SLOTS][STOP_MAX_LEN + 1];
static PyObject *stop_set = NULL;      /* the full frozenset, for non-ASCII tokens */
static PyObject *features_type = NULL; /* prose.Features, a named tuple */
static Py_ssize_t sample_chars = 20000;
static PyObject *empty_features = NULL; /* the Features of "", built once per configure */

static unsigned long hash_bytes(const char *s, Py_ssize_t n) {
    unsigned long h = 2166136261u;
    for (Py_ssize_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int stop_ascii_add(const char *s, Py_ssize_t n) {
    unsigned long h = hash_bytes(s, n);
    for (unsigned long k = 0; k < STOP_SLOTS; k++) {
        char *slot = stop_ascii[(h + k) & (STOP_SLOTS - 1)];
        if (slot[0] == '\0') {
            memcpy(slot, s, n);
            slot[n] = '\0';
            return 0;
        }
        if ((Py_ssize_t)strlen(slot) == n && memcmp(slot, s, n) == 0) return 0;
    }
    return -1;
}

static int stop_ascii_has(const char *s, Py_ssize_t n) {
    unsigned long h = hash_bytes(s, n);
    for (unsigned long k = 0; k < STOP_SLOTS; k++) {
        const char *slot = stop_ascii[(h + k) & (STOP_SLOTS - 1)];
        if (slot[0] == '\0') return 0;
        if (slot[n] == '\0' && memcmp(slot, s, n) == 0) return 1;
    }
    return 0;
}

static PyObject *configure(PyObject *self, PyObject *args) {
    Py_buffer tab;
    PyObject *stop, *ftype;
    Py_ssize_t sample;
    if (!PyArg_ParseTuple(args, "y*OOn", &tab, &stop, &ftype, &sample)) return NULL;
    if (tab.len != TABLE_SIZE) {
        PyBuffer_Release(&tab);
        PyErr_SetString(PyExc_ValueError, "the class table must have one byte per code point");
        return NULL;
    }
    if (!PyAnySet_Check(stop) || !PyType_Check(ftype) || sample < 1) {
        PyBuffer_Release(&tab);
        PyErr_SetString(PyExc_TypeError, "configure(table, stopwords: frozenset, Features, sample_chars)");
        return NULL;
    }
    memcpy(table, tab.buf, TABLE_SIZE);
    PyBuffer_Release(&tab);
    memset(stop_ascii, 0, sizeof stop_ascii);
    PyObject *it = PyObject_GetIter(stop), *word;
    if (it == NULL) return NULL;
    while ((word = PyIter_Next(it)) != NULL) {
        if (PyUnicode_Check(word) && PyUnicode_IS_ASCII(word)) {
            Py_ssize_t n = PyUnicode_GET_LENGTH(word);
            if (n > 0 && n <= STOP_MAX_LEN && stop_ascii_add((const char *)PyUnicode_1BYTE_DATA(word), n) < 0) {
                Py_DECREF(word);
                Py_DECREF(it);
                PyErr_SetString(PyExc_ValueError, "too many ASCII stopwords for the native table");
                return NULL;
            }
        }
        Py_DECREF(word);
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return NULL;
    Py_INCREF(stop);
    Py_XSETREF(stop_set, stop);
    Py_INCREF(ftype);
    Py_XSETREF(features_type, ftype);
    Py_CLEAR(empty_features);
    sample_chars = sample;
    configured = 1;
    Py_RETURN_NONE;
}

static inline unsigned char flags_of(Py_UCS4 c) { return c < TABLE_SIZE ? table[c] : 0; }

/* Is text[start:end] (a token) a stopword once lower-cased? */
static inline __attribute__((always_inline)) int is_stopword(PyObject *text, int kind, const void *data, Py_ssize_t start, Py_ssize_t end) {
    Py_ssize_t n = end - start;
    if (n <= STOP_MAX_LEN) { /* ASCII lower-cases byte by byte, as str.lower does */
        char buf[STOP_MAX_LEN];
        int ascii = 1;
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, start + i);
            if (c >= 128) { ascii = 0; break; }
            buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : (char)c;
        }
        if (ascii) return stop_ascii_has(buf, n);
    }
    PyObject *token = PyUnicode_Substring(text, start, end);
    if (token == NULL) return -1;
    PyObject *lower = PyObject_CallMethod(token, "lower", NULL);
    Py_DECREF(token);
    if (lower == NULL) return -1;
    int found = PySet_Contains(stop_set, lower);
    Py_DECREF(lower);
    return found;
}

static inline int is_apostrophe(Py_UCS4 c) { return c == '\'' || c == 0x2019; }
static inline int is_terminal(Py_UCS4 c) {            /* [.!?…:;] */
    return c == '.' || c == '!' || c == '?' || c == 0x2026 || c == ':' || c == ';';
}
static inline int is_end_closer(Py_UCS4 c) {          /* ["'”’»)\]] */
    return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == 0xBB || c == ')' || c == ']';
}
static inline int is_inner_closer(Py_UCS4 c) {        /* ["'”’)] */
    return c == '"' || c == '\'' || c == 0x201D || c == 0x2019 || c == ')';
}
static inline int is_opener(Py_UCS4 c) {              /* ["'“‘(] */
    return c == '"' || c == '\'' || c == 0x201C || c == 0x2018 || c == '(';
}

/* A Features named tuple, allocated directly as the tuple subclass it is (as structseq
 * does); items are filled in before anyone sees it. */
static PyObject *make_features(Py_ssize_t chars, Py_ssize_t words, Py_ssize_t n_stop, Py_ssize_t n_cap,
                               int sentence_end, Py_ssize_t sentences, int cjk) {
    PyTypeObject *type = (PyTypeObject *)features_type;
    PyObject *f = type->tp_alloc(type, 7);
    if (f == NULL) return NULL;
    PyObject *items[7] = {
        PyLong_FromSsize_t(chars), PyLong_FromSsize_t(words),
        PyFloat_FromDouble(words ? (double)n_stop / (double)words : 0.0),
        PyFloat_FromDouble(words ? (double)n_cap / (double)words : 0.0),
        Py_NewRef(sentence_end ? Py_True : Py_False), PyLong_FromSsize_t(sentences),
        Py_NewRef(cjk ? Py_True : Py_False),
    };
    for (int k = 0; k < 7; k++) {
        if (items[k] == NULL) {
            for (int m = 0; m < 7; m++) Py_XDECREF(items[m]);
            Py_DECREF(f);
            return NULL;
        }
    }
    for (int k = 0; k < 7; k++) PyTuple_SET_ITEM(f, k, items[k]);
    return f;
}

static inline __attribute__((always_inline)) PyObject *measure_body(PyObject *text, int kind, const void *data,
                                                                   Py_ssize_t full);

/* The Features of one line, as prose._measure computes them. */
static PyObject *measure_one(PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "lines must be str");
        return NULL;
    }
    Py_ssize_t full = PyUnicode_GET_LENGTH(text);
    if (full == 0) { /* blank lines: one shared Features */
        if (empty_features == NULL && (empty_features = make_features(0, 0, 0, 0, 0, 1, 0)) == NULL) return NULL;
        return Py_NewRef(empty_features);
    }
    const void *data = PyUnicode_DATA(text);
    switch (PyUnicode_KIND(text)) { /* one specialised copy of the body per string width */
    case PyUnicode_1BYTE_KIND: return measure_body(text, PyUnicode_1BYTE_KIND, data, full);
    case PyUnicode_2BYTE_KIND: return measure_body(text, PyUnicode_2BYTE_KIND, data, full);
    default: return measure_body(text, PyUnicode_4BYTE_KIND, data, full);
    }
}

static inline __attribute__((always_inline)) PyObject *measure_body(PyObject *text, int kind, const void *data,
                                                                   Py_ssize_t full) {
    Py_ssize_t n = full < sample_chars ? full : sample_chars;

    /* tokens: \w+(?:['’]\w+)* */
    Py_ssize_t words = 0, n_stop = 0, n_cap = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        if (!(flags_of(PyUnicode_READ(kind, data, i)) & F_WORD)) { i++; continue; }
        Py_ssize_t start = i;
        while (i < n && (flags_of(PyUnicode_READ(kind, data, i)) & F_WORD)) i++;
        while (i + 1 < n && is_apostrophe(PyUnicode_READ(kind, data, i))
               && (flags_of(PyUnicode_READ(kind, data, i + 1)) & F_WORD)) {
            i++;
            while (i < n && (flags_of(PyUnicode_READ(kind, data, i)) & F_WORD)) i++;
        }
        words++;
        int stop = is_stopword(text, kind, data, start, i);
        if (stop < 0) return NULL;
        n_stop += stop;
        n_cap += Py_UNICODE_ISUPPER(PyUnicode_READ(kind, data, start)) != 0;
    }

    /* sentence end, in the last 8 characters: [.!?…:;]["'”’»)\]]*$ ($ also before a final \n) */
    int sentence_end = 0;
    Py_ssize_t tail = full > 8 ? full - 8 : 0;
    for (int pass = 0; pass < 2 && !sentence_end; pass++) {
        Py_ssize_t end = full;
        if (pass == 1) {
            if (full == tail || PyUnicode_READ(kind, data, full - 1) != '\n') break;
            end = full - 1;
        }
        Py_ssize_t q = end;
        while (q > tail && is_end_closer(PyUnicode_READ(kind, data, q - 1))) q--;
        sentence_end = q > tail && is_terminal(PyUnicode_READ(kind, data, q - 1));
    }

    /* inner sentence breaks: \w[.!?]["'”’)]*\s+["'“‘(]?\p{Lu}, non-overlapping */
    Py_ssize_t sentences = 1;
    i = 0;
    while (i + 1 < n) {
        Py_UCS4 p = PyUnicode_READ(kind, data, i + 1);
        if (!(flags_of(PyUnicode_READ(kind, data, i)) & F_WORD) || !(p == '.' || p == '!' || p == '?')) {
            i++;
            continue;
        }
        Py_ssize_t j = i + 2;
        while (j < n && is_inner_closer(PyUnicode_READ(kind, data, j))) j++;
        Py_ssize_t spaces = j;
        while (j < n && (flags_of(PyUnicode_READ(kind, data, j)) & F_SPACE)) j++;
        if (j > spaces && j < n) {
            if (is_opener(PyUnicode_READ(kind, data, j)) && j + 1 < n
                && (flags_of(PyUnicode_READ(kind, data, j + 1)) & F_UPPER)) {
                sentences++;
                i = j + 2;
                continue;
            }
            if (flags_of(PyUnicode_READ(kind, data, j)) & F_UPPER) {
                sentences++;
                i = j + 1;
                continue;
            }
        }
        i++;
    }

    int cjk = 0;
    for (i = 0; i < n && !cjk; i++) cjk = (flags_of(PyUnicode_READ(kind, data, i)) & F_CJK) != 0;

    return make_features(full, words, n_stop, n_cap, sentence_end, sentences, cjk);
}
static PyObject *measure(PyObject *self, PyObject *lines) {
    if (!configured) {
        PyErr_SetString(PyExc_RuntimeError, "cleaner._native.configure() has not been called");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(lines, "measure() takes a sequence of str");
    if (seq == NULL) return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(seq);
    PyObject *out = PyList_New(count);
    if (out == NULL) { Py_DECREF(seq); return NULL; }
    for (Py_ssize_t k = 0; k < count; k++) {
        PyObject *f = measure_one(PySequence_Fast_GET_ITEM(seq, k));
        if (f == NULL) { Py_DECREF(out); Py_DECREF(seq); return NULL; }
        PyList_SET_ITEM(out, k, f);
    }
    Py_DECREF(seq);
    return out;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(table, stopwords, Features, sample_chars): the class table (one byte of flags per "
     "code point), the stopword set, the Features type and prose.SAMPLE_CHARS."},
    {"measure", measure, METH_O, "measure(lines) -> [Features]: prose._measure of each line."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "cleaner._native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
