/* The result file writer and `evacsim info`: write a small hand-made result,
 * read it back with HDF5 and check values, NaNs, units, the event enum and
 * the atomic write; the smoke fields; info on good, foreign and incomplete
 * files. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <hdf5.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diag.h"
#include "evacsim.h"
#include "model.h"
#include "result.h"
#include "support.h"

/* A two-floor model with three features, two profiles and one measure. */
static struct evac_floor floors[2] = {
    {.name = (char *)"G", .nx = 10, .ny = 8},
    {.name = (char *)"L1", .nx = 10, .ny = 8}};
static struct evac_feature features[3] = {
    {.name = (char *)"main-exit", .kind = EVAC_FEAT_EXIT},
    {.name = (char *)"refuge-north", .kind = EVAC_FEAT_REFUGE},
    {.name = (char *)"stair-A", .kind = EVAC_FEAT_STAIR}};
static struct evac_profile profiles[2] = {{.name = (char *)"adult"},
                                          {.name = (char *)"bed-patient"}};
static struct evac_measure measures[1] = {
    {.name = (char *)"corridor-1", .floor = 1, .line = {2, 0, 2, 7}}};

static struct evac_model model(void) {
  struct evac_model m = {0};
  m.name = (char *)"ward-block";
  m.plan_path = (char *)"plans/ward.plan.json";
  m.scenario_path = (char *)"ward.scenario.json";
  m.plan_json = (char *)"{\"plan\": {\"name\": \"ward-block\"}}";
  m.scenario_json = (char *)"{\"scenario\": {\"seed\": 7}}";
  m.cell_m = 0.4;
  m.nfloors = 2;
  m.floors = floors;
  m.nfeatures = 3;
  m.features = features;
  m.nprofiles = 2;
  m.profiles = profiles;
  m.nmeasures = 1;
  m.measures = measures;
  return m;
}

/* A result of three agents: two safe, one incapacitated on floor L1. */
static void result(struct evac_result *r) {
  cr_assert_eq(evac_result_init(r, 3, 1), 0);
  r->evacuated = 2;
  r->incapacitated = 1;
  r->remaining = 0;
  r->evacuation_time_s = NAN;
  r->rset_s = 20.0;
  r->aset_s = NAN;
  r->first_incapacitation_s = 15.25;
  r->wall_clock_s = 0.125;
  r->end_time_s = 30.0;
  r->events_processed = 12345678901ULL;
  r->seed = 42;
  r->replication = 3;
  r->threads = 2;
  const int32_t prof[3] = {0, 1, 0}, fl[3] = {0, 1, 1}, safe[3] = {0, 1, -1};
  for (int i = 0; i < 3; i++) {
    r->agents.profile[i] = prof[i];
    r->agents.floor[i] = fl[i];
    r->agents.start_x[i] = 1 + i;
    r->agents.start_y[i] = 5 - i;
    r->agents.speed_m_s[i] = 1.0 + 0.1 * i;
    r->agents.premovement_s[i] = 10.0 * i;
    r->agents.safe_place[i] = safe[i];
    r->agents.fed_max[i] = 0.5 * i;
    r->agents.distance_m[i] = 3.0 + i;
  }
  r->agents.exit_time_s[0] = 12.5;
  r->agents.exit_time_s[1] = 20.0;
  r->agents.incapacitated[2] = 1;
  for (int k = 0; k < 4; k++)
    cr_assert_eq(evac_result_series_push(&r->series, 10.0 * k, k / 2, k / 3,
                                         3 - k / 2 - k / 3, k % 2, 0.0),
                 0);
  for (int s = 0; s < 2; s++) {
    float pos[6];
    int16_t f[3] = {0, 1, 1};
    int8_t st[3] = {(int8_t)(s ? EVAC_STATE_SAFE : EVAC_STATE_MOVING),
                    EVAC_STATE_STAIR, EVAC_STATE_INCAPACITATED};
    for (int a = 0; a < 6; a++)
      pos[a] = 0.2f + 0.4f * (float)(a + s);
    cr_assert_eq(evac_result_traj_push(&r->traj, 10.0 * s, 3, pos, f, st), 0);
  }
  cr_assert_eq(
      evac_result_events_push(&r->events, 10.0, EVAC_LOG_START, 0, 0, 1, 5, -1),
      0);
  cr_assert_eq(evac_result_events_push(&r->events, 11.0, EVAC_LOG_STAIR_ENTER,
                                       1, 1, 4, 4, 2),
               0);
  cr_assert_eq(
      evac_result_events_push(&r->events, 12.5, EVAC_LOG_SAFE, 0, 0, 9, 5, 0),
      0);
  cr_assert_eq(evac_result_events_push(&r->events, 14.0, EVAC_LOG_CLOSE, -1, 1,
                                       -1, -1, 1),
               0);
  cr_assert_eq(evac_result_measure_push(&r->measures[0], 11.5, 1, 1), 0);
  cr_assert_eq(evac_result_measure_push(&r->measures[0], 13.0, -1, 2), 0);
}

/* Joins dir and name (malloc'd). */
static char *join(const char *dir, const char *name) {
  size_t len = strlen(dir) + strlen(name) + 2;
  char *p = malloc(len);
  cr_assert_not_null(p);
  snprintf(p, len, "%s/%s", dir, name);
  return p;
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* Length of the dataset's first axis (asserting rank). */
static hsize_t dims_of(hid_t f, const char *path, int rank, hsize_t *dims) {
  hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
  cr_assert_geq(ds, 0, "%s missing", path);
  hid_t sp = H5Dget_space(ds);
  cr_assert_eq(H5Sget_simple_extent_ndims(sp), rank, "%s rank", path);
  H5Sget_simple_extent_dims(sp, dims, NULL);
  H5Sclose(sp);
  H5Dclose(ds);
  return dims[0];
}

/* Reads a whole dataset converted to mem. */
static void read_ds(hid_t f, const char *path, hid_t mem, void *buf) {
  hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
  cr_assert_geq(ds, 0, "%s missing", path);
  cr_assert_geq(H5Dread(ds, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), 0);
  H5Dclose(ds);
}

/* Reads the scalar string attribute name of obj into buf. */
static void read_str_attr(hid_t f, const char *obj, const char *name, char *buf,
                          size_t n) {
  hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  cr_assert_geq(a, 0, "%s attribute %s missing", obj, name);
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  char *s = NULL;
  cr_assert_geq(H5Aread(a, t, &s), 0);
  snprintf(buf, n, "%s", s);
  H5free_memory(s);
  H5Tclose(t);
  H5Aclose(a);
}

/* Reads a numeric scalar attribute converted to mem. */
static void read_attr(hid_t f, const char *obj, const char *name, hid_t mem,
                      void *v) {
  hid_t a = H5Aopen_by_name(f, obj, name, H5P_DEFAULT, H5P_DEFAULT);
  cr_assert_geq(a, 0, "%s attribute %s missing", obj, name);
  cr_assert_geq(H5Aread(a, mem, v), 0);
  H5Aclose(a);
}

/* Reads string i of a fixed-length string column into buf. */
static void read_str(hid_t f, const char *path, int i, char *buf, size_t n) {
  hid_t ds = H5Dopen2(f, path, H5P_DEFAULT);
  cr_assert_geq(ds, 0, "%s missing", path);
  hid_t t = H5Dget_type(ds);
  cr_assert_eq(H5Tget_class(t), H5T_STRING);
  cr_assert_eq(H5Tis_variable_str(t), 0, "%s must be fixed-length", path);
  size_t size = H5Tget_size(t);
  hid_t sp = H5Dget_space(ds);
  hsize_t rows;
  H5Sget_simple_extent_dims(sp, &rows, NULL);
  char *all = calloc(rows * size + 1, 1);
  cr_assert_geq(H5Dread(ds, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, all), 0);
  size_t len = strnlen(all + (size_t)i * size, size);
  cr_assert_lt(len, n);
  memcpy(buf, all + (size_t)i * size, len);
  buf[len] = '\0';
  free(all);
  H5Sclose(sp);
  H5Tclose(t);
  H5Dclose(ds);
}

Test(output, writes_and_reads_back) {
  char *dir = strdup(evac_test_dir("output_rw"));
  char *path = join(dir, "run.h5");
  char *partial = join(dir, "run.h5.partial");
  struct evac_model m = model();
  struct evac_result r;
  result(&r);
  struct evac_diag d = {0};
  cr_assert_eq(evac_output_write(&m, &r, path, &d), EVAC_OK);
  cr_assert_eq(d.n, 0);
  cr_assert(exists(path));
  cr_assert_not(exists(partial), "the partial file is left behind");

  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  int32_t i32;
  double dv;
  uint64_t u64;
  read_attr(f, "/summary", "complete", H5T_NATIVE_INT32, &i32);
  cr_assert_eq(i32, 1);
  read_attr(f, "/summary", "occupants", H5T_NATIVE_INT32, &i32);
  cr_assert_eq(i32, 3);
  read_attr(f, "/summary", "incapacitated", H5T_NATIVE_INT32, &i32);
  cr_assert_eq(i32, 1);
  read_attr(f, "/summary", "evacuation_time_s", H5T_NATIVE_DOUBLE, &dv);
  cr_assert(isnan(dv));
  read_attr(f, "/summary", "aset_s", H5T_NATIVE_DOUBLE, &dv);
  cr_assert(isnan(dv));
  read_attr(f, "/summary", "first_incapacitation_s", H5T_NATIVE_DOUBLE, &dv);
  cr_assert_eq(dv, 15.25);
  read_attr(f, "/summary", "events_processed", H5T_NATIVE_UINT64, &u64);
  cr_assert_eq(u64, 12345678901ULL);

  /* parameters */
  char s[256];
  read_attr(f, "/parameters", "seed", H5T_NATIVE_UINT64, &u64);
  cr_assert_eq(u64, 42);
  read_attr(f, "/parameters", "replication", H5T_NATIVE_INT32, &i32);
  cr_assert_eq(i32, 3);
  read_attr(f, "/parameters", "threads", H5T_NATIVE_INT32, &i32);
  cr_assert_eq(i32, 2);
  read_str_attr(f, "/parameters", "evacsim_version", s, sizeof s);
  cr_assert_str_eq(s, evac_version());
  read_str_attr(f, "/parameters", "git_revision", s, sizeof s);
  cr_assert_str_eq(s, evac_git_revision());
  read_str_attr(f, "/parameters", "plan_path", s, sizeof s);
  cr_assert_str_eq(s, "plans/ward.plan.json");
  read_str(f, "/parameters/plan_json", 0, s, sizeof s);
  cr_assert_str_eq(s, m.plan_json);
  read_str(f, "/parameters/scenario_json", 0, s, sizeof s);
  cr_assert_str_eq(s, m.scenario_json);

  /* agents */
  hsize_t dims[3];
  cr_assert_eq(dims_of(f, "/agents/id", 1, dims), 3);
  int32_t ids[3];
  read_ds(f, "/agents/id", H5T_NATIVE_INT32, ids);
  cr_assert(ids[0] == 0 && ids[1] == 1 && ids[2] == 2);
  double ex[3];
  read_ds(f, "/agents/exit_time_s", H5T_NATIVE_DOUBLE, ex);
  cr_assert_eq(ex[0], 12.5);
  cr_assert_eq(ex[1], 20.0);
  cr_assert(isnan(ex[2]));
  read_ds(f, "/agents/speed_m_s", H5T_NATIVE_DOUBLE, ex);
  cr_assert_float_eq(ex[2], 1.2, 1e-12);
  read_str(f, "/agents/profile", 1, s, sizeof s);
  cr_assert_str_eq(s, "bed-patient");
  read_str(f, "/agents/profile", 2, s, sizeof s);
  cr_assert_str_eq(s, "adult");
  read_str(f, "/agents/floor", 2, s, sizeof s);
  cr_assert_str_eq(s, "L1");
  read_ds(f, "/agents/floor_index", H5T_NATIVE_INT32, ids);
  cr_assert(ids[0] == 0 && ids[1] == 1 && ids[2] == 1);
  read_str(f, "/agents/safe_place", 1, s, sizeof s);
  cr_assert_str_eq(s, "refuge-north");
  read_str(f, "/agents/safe_place", 2, s, sizeof s);
  cr_assert_str_eq(s, "");
  int8_t inc[3];
  read_ds(f, "/agents/incapacitated", H5T_NATIVE_INT8, inc);
  cr_assert(inc[0] == 0 && inc[1] == 0 && inc[2] == 1);

  /* units */
  read_str_attr(f, "/agents/speed_m_s", "unit", s, sizeof s);
  cr_assert_str_eq(s, "m/s");
  read_str_attr(f, "/agents/exit_time_s", "unit", s, sizeof s);
  cr_assert_str_eq(s, "s");
  read_str_attr(f, "/agents/distance_m", "unit", s, sizeof s);
  cr_assert_str_eq(s, "m");
  read_str_attr(f, "/agents/id", "unit", s, sizeof s);
  cr_assert_str_eq(s, "1");
  read_str_attr(f, "/timeseries/hrr_kw", "unit", s, sizeof s);
  cr_assert_str_eq(s, "kW");
  read_str_attr(f, "/trajectories/position/value", "unit", s, sizeof s);
  cr_assert_str_eq(s, "m");
  read_str_attr(f, "/measures/corridor-1/crossing_time_s", "unit", s, sizeof s);
  cr_assert_str_eq(s, "s");

  /* storage: chunked, shuffle then deflate */
  hid_t ds = H5Dopen2(f, "/agents/exit_time_s", H5P_DEFAULT);
  hid_t dcpl = H5Dget_create_plist(ds);
  cr_assert_eq(H5Pget_layout(dcpl), H5D_CHUNKED);
  cr_assert_eq(H5Pget_nfilters(dcpl), 2);
  unsigned flags, cd[4];
  size_t ncd = 4;
  cr_assert_eq(H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, 0, NULL, NULL),
               H5Z_FILTER_SHUFFLE);
  ncd = 4;
  cr_assert_eq(H5Pget_filter2(dcpl, 1, &flags, &ncd, cd, 0, NULL, NULL),
               H5Z_FILTER_DEFLATE);
  cr_assert_eq(cd[0], 4);
  H5Pclose(dcpl);
  H5Dclose(ds);

  /* time series */
  cr_assert_eq(dims_of(f, "/timeseries/time_s", 1, dims), 4);
  int32_t ev[4];
  read_ds(f, "/timeseries/evacuated", H5T_NATIVE_INT32, ev);
  cr_assert(ev[0] == 0 && ev[1] == 0 && ev[2] == 1 && ev[3] == 1);
  read_ds(f, "/timeseries/remaining", H5T_NATIVE_INT32, ev);
  cr_assert_eq(ev[3], 1);

  /* measures */
  cr_assert_eq(dims_of(f, "/measures/corridor-1/crossing_time_s", 1, dims), 2);
  double ct[2];
  int8_t dir8[2];
  read_ds(f, "/measures/corridor-1/crossing_time_s", H5T_NATIVE_DOUBLE, ct);
  read_ds(f, "/measures/corridor-1/direction", H5T_NATIVE_INT8, dir8);
  cr_assert(ct[0] == 11.5 && ct[1] == 13.0);
  cr_assert(dir8[0] == 1 && dir8[1] == -1);

  /* trajectories */
  dims_of(f, "/trajectories/position/value", 3, dims);
  cr_assert(dims[0] == 2 && dims[1] == 3 && dims[2] == 2);
  float pos[12];
  read_ds(f, "/trajectories/position/value", H5T_NATIVE_FLOAT, pos);
  cr_assert_float_eq(pos[6 + 5], 0.2f + 0.4f * 6.0f, 1e-6);
  dims_of(f, "/trajectories/state/value", 2, dims);
  cr_assert(dims[0] == 2 && dims[1] == 3);
  int8_t st[6];
  read_ds(f, "/trajectories/state/value", H5T_NATIVE_INT8, st);
  cr_assert_eq(st[3], EVAC_STATE_SAFE);
  cr_assert_eq(st[5], EVAC_STATE_INCAPACITATED);
  int64_t step[2];
  read_ds(f, "/trajectories/floor/step", H5T_NATIVE_INT64, step);
  cr_assert(step[0] == 0 && step[1] == 1);
  double tt[2];
  read_ds(f, "/trajectories/state/time", H5T_NATIVE_DOUBLE, tt);
  cr_assert(tt[0] == 0.0 && tt[1] == 10.0);
  hid_t a = H5Aopen_by_name(f, "/trajectories/state/value", "names",
                            H5P_DEFAULT, H5P_DEFAULT);
  cr_assert_geq(a, 0);
  char *names[6];
  hid_t vt = H5Tcopy(H5T_C_S1);
  H5Tset_size(vt, H5T_VARIABLE);
  H5Tset_cset(vt, H5T_CSET_UTF8);
  cr_assert_geq(H5Aread(a, vt, names), 0);
  cr_assert_str_eq(names[0], "waiting");
  cr_assert_str_eq(names[4], "incapacitated");
  cr_assert_str_eq(names[5], "stuck");
  for (int i = 0; i < 6; i++)
    H5free_memory(names[i]);
  H5Tclose(vt);
  H5Aclose(a);

  /* events: the type is an enum named by evac_event_type_name */
  cr_assert_eq(dims_of(f, "/events/type", 1, dims), 4);
  ds = H5Dopen2(f, "/events/type", H5P_DEFAULT);
  hid_t et = H5Dget_type(ds);
  cr_assert_eq(H5Tget_class(et), H5T_ENUM);
  cr_assert_eq(H5Tget_nmembers(et), EVAC_LOG_NTYPES);
  int8_t types[4];
  cr_assert_geq(H5Dread(ds, et, H5S_ALL, H5S_ALL, H5P_DEFAULT, types), 0);
  cr_assert_geq(H5Tenum_nameof(et, &types[1], s, sizeof s), 0);
  cr_assert_str_eq(s, "stair_enter");
  cr_assert_geq(H5Tenum_nameof(et, &types[3], s, sizeof s), 0);
  cr_assert_str_eq(s, "close");
  H5Tclose(et);
  H5Dclose(ds);
  read_str(f, "/events/target", 0, s, sizeof s);
  cr_assert_str_eq(s, "");
  read_str(f, "/events/target", 1, s, sizeof s);
  cr_assert_str_eq(s, "stair-A");
  int32_t ag[4];
  read_ds(f, "/events/agent", H5T_NATIVE_INT32, ag);
  cr_assert(ag[0] == 0 && ag[3] == -1);
  /* no field samples: no /fields */
  cr_assert_eq(H5Lexists(f, "/fields", H5P_DEFAULT), 0);
  H5Fclose(f);

  /* info on the file */
  FILE *out = tmpfile();
  cr_assert_eq(evac_info_print(path, out, &d), EVAC_OK);
  cr_assert_eq(d.errors, 0);
  rewind(out);
  char line[512];
  int seen_occ = 0, seen_stair = 0, seen_measure = 0, seen_fields = 0;
  while (fgets(line, sizeof line, out)) {
    int v;
    seen_fields |= !strncmp(line, "fields", 6);
    if (sscanf(line, "occupants %d", &v) == 1 && v == 3)
      seen_occ = 1;
    if (sscanf(line, " stair_enter %d", &v) == 1 && v == 1)
      seen_stair = 1;
    if (sscanf(line, " corridor-1 %d crossings", &v) == 1 && v == 2)
      seen_measure = 1;
  }
  fclose(out);
  cr_assert(seen_occ, "no occupants line");
  cr_assert(seen_stair, "no stair_enter count");
  cr_assert(seen_measure, "no measure line");
  cr_assert_not(seen_fields, "a fields line without /fields");

  evac_diag_free(&d);
  evac_result_free(&r);
  free(path);
  free(partial);
  free(dir);
}

Test(output, empty_result) {
  char *dir = strdup(evac_test_dir("output_empty"));
  char *path = join(dir, "empty.h5");
  struct evac_model m = model();
  struct evac_result r;
  cr_assert_eq(evac_result_init(&r, 0, 0), 0); /* fewer measures than m */
  struct evac_diag d = {0};
  cr_assert_eq(evac_output_write(&m, &r, path, &d), EVAC_OK);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hsize_t dims[3];
  cr_assert_eq(dims_of(f, "/agents/id", 1, dims), 0);
  cr_assert_eq(dims_of(f, "/agents/profile", 1, dims), 0);
  cr_assert_eq(dims_of(f, "/events/type", 1, dims), 0);
  cr_assert_eq(dims_of(f, "/measures/corridor-1/agent", 1, dims), 0);
  dims_of(f, "/trajectories/position/value", 3, dims);
  cr_assert(dims[0] == 0 && dims[1] == 0 && dims[2] == 2);
  H5Fclose(f);
  evac_result_free(&r);
  evac_diag_free(&d);
  free(path);
  free(dir);
}

Test(output, missing_directory_is_io_error) {
  char *dir = strdup(evac_test_dir("output_missing"));
  char *path = join(dir, "no/such/dir/run.h5");
  char *partial = join(dir, "no/such/dir/run.h5.partial");
  struct evac_model m = model();
  struct evac_result r;
  result(&r);
  struct evac_diag d = {0};
  cr_assert_eq(evac_output_write(&m, &r, path, &d), EVAC_ERR_IO);
  cr_assert_eq(d.errors, 1);
  cr_assert_not_null(strstr(d.msg[0].text, "cannot write result file"), "%s",
                     d.msg[0].text);
  cr_assert_eq(strncmp(d.msg[0].text, path, strlen(path)), 0);
  cr_assert_not(exists(path));
  cr_assert_not(exists(partial));
  evac_diag_free(&d);
  evac_result_free(&r);
  free(path);
  free(partial);
  free(dir);
}

Test(output, failure_keeps_existing_file_and_success_replaces_it) {
  char *dir = strdup(evac_test_dir("output_replace"));
  char *path = evac_test_write(dir, "run.h5", "old contents\n");
  char *partial = join(dir, "run.h5.partial");
  struct evac_model m = model();
  struct evac_result r;
  result(&r);
  struct evac_diag d = {0};
  /* the temporary cannot be written: a file size limit of 1 KiB */
  struct rlimit low = {1024, RLIM_INFINITY},
                none = {RLIM_INFINITY, RLIM_INFINITY};
  signal(SIGXFSZ, SIG_IGN);
  cr_assert_eq(setrlimit(RLIMIT_FSIZE, &low), 0);
  cr_assert_eq(evac_output_write(&m, &r, path, &d), EVAC_ERR_IO);
  cr_assert_eq(setrlimit(RLIMIT_FSIZE, &none), 0);
  cr_assert_eq(d.errors, 1);
  FILE *old = fopen(path, "r");
  char buf[64] = "";
  cr_assert_not_null(old);
  cr_assert_not_null(fgets(buf, sizeof buf, old));
  fclose(old);
  cr_assert_str_eq(buf, "old contents\n");
  evac_diag_free(&d);
  cr_assert_eq(evac_output_write(&m, &r, path, &d), EVAC_OK);
  cr_assert_eq(H5Fis_hdf5(path), 1);
  cr_assert_not(exists(partial));
  evac_diag_free(&d);
  evac_result_free(&r);
  free(path);
  free(partial);
  free(dir);
}

Test(output, info_rejects_foreign_and_incomplete_files) {
  char *dir = strdup(evac_test_dir("output_info"));
  char *text = evac_test_write(dir, "notes.txt", "not hdf5 at all\n");
  struct evac_diag d = {0};
  FILE *out = tmpfile();
  cr_assert_eq(evac_info_print(text, out, &d), EVAC_ERR_INPUT);
  cr_assert_eq(d.errors, 1);
  cr_assert_not_null(strstr(d.msg[0].text, "not an evacsim result file"));
  cr_assert_eq(strncmp(d.msg[0].text, text, strlen(text)), 0);
  evac_diag_free(&d);

  char *missing = join(dir, "missing.h5");
  cr_assert_eq(evac_info_print(missing, out, &d), EVAC_ERR_INPUT);
  cr_assert_not_null(strstr(d.msg[0].text, "not an evacsim result file"));
  evac_diag_free(&d);

  /* an HDF5 file whose /summary has no complete attribute */
  char *inc = join(dir, "incomplete.h5");
  hid_t f = H5Fcreate(inc, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hid_t g = H5Gcreate2(f, "/summary", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(g);
  H5Fclose(f);
  cr_assert_eq(evac_info_print(inc, out, &d), EVAC_ERR_INPUT);
  cr_assert_eq(d.errors, 1);
  cr_assert_not_null(
      strstr(d.msg[0].text, "incomplete result file (no /summary complete=1)"),
      "%s", d.msg[0].text);
  evac_diag_free(&d);

  /* an HDF5 file that is not a result file */
  char *other = join(dir, "other.h5");
  f = H5Fcreate(other, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Fclose(f);
  cr_assert_eq(evac_info_print(other, out, &d), EVAC_ERR_INPUT);
  cr_assert_not_null(strstr(d.msg[0].text, "not an evacsim result file"));
  evac_diag_free(&d);
  fclose(out);
  free(text);
  free(missing);
  free(inc);
  free(other);
  free(dir);
}

Test(output, write_error_midway_leaves_nothing) {
  char *dir = strdup(evac_test_dir("output_efbig"));
  char *path = join(dir, "big.h5");
  char *partial = join(dir, "big.h5.partial");
  struct evac_model m = model();
  struct evac_result r;
  result(&r);
  /* enough random-looking samples that the file cannot fit in 64 KiB */
  float pos[6];
  int16_t fl[3] = {0, 1, 1};
  int8_t st[3] = {1, 2, 4};
  uint32_t x = 12345;
  for (int s = 0; s < 20000; s++) {
    for (int a = 0; a < 6; a++) {
      x = x * 1664525u + 1013904223u;
      pos[a] = (float)x;
    }
    cr_assert_eq(evac_result_traj_push(&r.traj, s, 3, pos, fl, st), 0);
  }
  /* in a child limited to 64 KiB files, writes fail with EFBIG */
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    struct rlimit lim = {65536, 65536};
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
      _exit(10);
    struct evac_diag d = {0};
    int st2 = evac_output_write(&m, &r, path, &d);
    if (st2 != EVAC_ERR_IO || d.errors != 1 ||
        !strstr(d.msg[0].text, "cannot write result file"))
      _exit(11);
    /* closing the library must not trip over a half-closed file */
    if (H5close() < 0)
      _exit(12);
    _exit(0);
  }
  int status;
  cr_assert_eq(waitpid(pid, &status, 0), pid);
  cr_assert(WIFEXITED(status));
  cr_assert_eq(WEXITSTATUS(status), 0);
  cr_assert_not(exists(path));
  cr_assert_not(exists(partial));
  evac_result_free(&r);
  free(path);
  free(partial);
  free(dir);
}

/* Empties a trajectory set (for samples to be handed to a sink). */
static void traj_clear(struct evac_result_traj *t) {
  free(t->time_s);
  free(t->pos_m);
  free(t->floor);
  free(t->state);
  *t = (struct evac_result_traj){0};
}

/* The number of entries in dir besides . and .. */
static int entries(const char *dir) {
  DIR *d = opendir(dir);
  cr_assert_not_null(d, "%s", dir);
  int n = 0;
  const struct dirent *e;
  while ((e = readdir(d)) != NULL)
    n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  closedir(d);
  return n;
}

/* Trajectory sample s of 3 agents, made up from s. */
static void traj_sample(int s, float pos[6], int16_t fl[3], int8_t st[3]) {
  for (int a = 0; a < 3; a++) {
    pos[2 * a] = (float)(s + a);
    pos[2 * a + 1] = (float)(s * a) / 8.0f;
    fl[a] = (int16_t)((s + a) % 2);
    st[a] = (int8_t)((s + a) % 6);
  }
}

/* Trajectories handed to the file as they are taken: the last sample is
 * held until the next (the end of a run may replace it), the result keeps
 * only that one, and the file reads back every sample in order. */
Test(output, trajectories_streamed) {
  char *dir = strdup(evac_test_dir("output_traj_sink"));
  char *path = join(dir, "traj.h5");
  struct evac_model m = model();
  struct evac_result r;
  result(&r);
  traj_clear(&r.traj);
  struct evac_diag d = {0};
  struct evac_output *o;
  cr_assert_eq(evac_output_open(&m, path, &o, &d), EVAC_OK);
  r.traj.sink = evac_output_sink(o);
  float pos[6];
  int16_t fl[3];
  int8_t st[3];
  for (int s = 0; s < 50; s++) {
    traj_sample(s, pos, fl, st);
    cr_assert_eq(evac_result_traj_push(&r.traj, s, 3, pos, fl, st), 0);
    cr_assert_eq(r.traj.n - r.traj.held, 1, "one sample held");
  }
  evac_result_traj_drop_last(&r.traj); /* sample 49 replaced by 49 + 1 */
  traj_sample(50, pos, fl, st);
  cr_assert_eq(evac_result_traj_push(&r.traj, 49.5, 3, pos, fl, st), 0);
  cr_assert_leq(r.traj.rows_cap, 16, "memory for the held sample only");
  cr_assert_eq(evac_output_close(o, &r, &d), EVAC_OK, "%s",
               d.n ? d.msg[0].text : "");
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hsize_t dims[3];
  dims_of(f, "/trajectories/position/value", 3, dims);
  cr_assert(dims[0] == 50 && dims[1] == 3 && dims[2] == 2);
  float p[50 * 6];
  int16_t fv[50 * 3];
  int8_t sv[50 * 3];
  double t[50];
  read_ds(f, "/trajectories/position/value", H5T_NATIVE_FLOAT, p);
  read_ds(f, "/trajectories/floor/value", H5T_NATIVE_INT16, fv);
  read_ds(f, "/trajectories/state/value", H5T_NATIVE_INT8, sv);
  read_ds(f, "/trajectories/state/time", H5T_NATIVE_DOUBLE, t);
  for (int s = 0; s < 50; s++) {
    traj_sample(s < 49 ? s : 50, pos, fl, st);
    cr_assert_eq(t[s], s < 49 ? s : 49.5);
    cr_assert_eq(memcmp(p + 6 * s, pos, sizeof pos), 0, "position %d", s);
    cr_assert_eq(memcmp(fv + 3 * s, fl, sizeof fl), 0, "floor %d", s);
    cr_assert_eq(memcmp(sv + 3 * s, st, sizeof st), 0, "state %d", s);
  }
  H5Fclose(f);
  evac_diag_free(&d);
  evac_result_free(&r);
  free(path);
  free(dir);
}

/* A write that fails while samples stream (a 64 KiB file size limit): the
 * hand-off fails, the file is abandoned with the reason (EFBIG), nothing is
 * left, and HDF5 closes cleanly. */
Test(output, stream_error_leaves_nothing) {
  char *dir = strdup(evac_test_dir("output_sink_efbig"));
  char *path = join(dir, "big.h5");
  struct evac_model m = model();
  pid_t pid = fork();
  cr_assert_geq(pid, 0);
  if (pid == 0) {
    struct rlimit lim = {65536, 65536};
    signal(SIGXFSZ, SIG_IGN);
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
      _exit(10);
    struct evac_diag d = {0};
    struct evac_output *o;
    struct evac_result r;
    result(&r);
    traj_clear(&r.traj);
    if (evac_output_open(&m, path, &o, &d) != EVAC_OK)
      _exit(11);
    r.traj.sink = evac_output_sink(o);
    float pos[6];
    int16_t fl[3] = {0, 1, 1};
    int8_t st[3] = {1, 2, 4};
    uint32_t x = 12345;
    int failed = 0;
    for (int s = 0; s < 200000 && !failed; s++) {
      for (int a = 0; a < 6; a++) {
        x = x * 1664525u + 1013904223u;
        pos[a] = (float)x;
      }
      failed = evac_result_traj_push(&r.traj, s, 3, pos, fl, st) != 0;
    }
    if (!failed)
      _exit(12);
    if (evac_output_abandon(o, &d) != EVAC_ERR_IO || d.errors != 1 ||
        !strstr(d.msg[0].text, "cannot write result file") ||
        !strstr(d.msg[0].text, "File too large"))
      _exit(13);
    if (H5close() < 0)
      _exit(14);
    _exit(0);
  }
  int status;
  cr_assert_eq(waitpid(pid, &status, 0), pid);
  cr_assert(WIFEXITED(status), "killed by signal %d",
            WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  cr_assert_eq(WEXITSTATUS(status), 0);
  cr_assert_not(exists(path));
  cr_assert_eq(entries(dir), 0, "nothing left in %s", dir);
  free(path);
  free(dir);
}

/* Fields: floor G (4 x 3) with walls and void stays clean; floor L1 (5 x 2)
 * gets smoke at sample 1 of 4, and sample 3 repeats sample 2 (whose stored
 * chunk the writer writes again). */
static struct evac_floor ffloors[2] = {
    {.name = (char *)"G", .nx = 4, .ny = 3, .offset = 0, .height_m = 3.0},
    {.name = (char *)"L1", .nx = 5, .ny = 2, .offset = 12, .height_m = 2.5}};
static const char fkind_text[] = "#..#"
                                 "#.. "
                                 "####"
                                 "....."
                                 "#...#";

static struct evac_model field_model(uint8_t *kinds) {
  struct evac_model m = model();
  m.floors = ffloors;
  m.ncells = 22;
  for (int c = 0; c < 22; c++)
    kinds[c] = fkind_text[c] == '#'   ? EVAC_CELL_WALL
               : fkind_text[c] == ' ' ? EVAC_CELL_VOID
                                      : EVAC_CELL_FLOOR;
  m.cell_kind = kinds;
  return m;
}

/* Ambient of floor k: ceiling height, 20 deg C, no soot/CO, 1000 m, 0.
 * With a sink, the samples are handed to it. */
static void field_result_to(const struct evac_model *m, struct evac_result *r,
                            const struct evac_result_sink *sink) {
  float amb[2 * EVAC_NFQ];
  for (int k = 0; k < 2; k++) {
    const float v[EVAC_NFQ] = {
        (float)m->floors[k].height_m, 20.0f, 0, 0, 1000.0f, 0};
    memcpy(amb + k * EVAC_NFQ, v, sizeof v);
  }
  result(r);
  cr_assert_eq(evac_result_fields_init(&r->fields, m, amb), 0);
  r->fields.sink = sink;
  float smoke[EVAC_NFQ * 10];
  for (int s = 0; s < 4; s++) {
    /* value of quantity q at cell c of sample s: 1000 s + 10 q + c
     * (sample 3: those of sample 2) */
    for (int q = 0; q < EVAC_NFQ; q++)
      for (int c = 0; c < 10; c++)
        smoke[q * 10 + c] = (float)(1000 * (s < 3 ? s : 2) + 10 * q + c);
    const float *data[2] = {NULL, s >= 1 ? smoke : NULL};
    cr_assert_eq(evac_result_fields_push(&r->fields, 5.0 * s, data), 0);
  }
}

/* The samples kept in the result. */
static void field_result(const struct evac_model *m, struct evac_result *r) {
  field_result_to(m, r, NULL);
}

/* Writes the field samples of field_result to a file, kept in memory and
 * written at the end or (streamed) handed to the file as they are taken,
 * and checks the file: /fields in the same layout either way. */
static void fields_round_trip(const char *tag, int streamed) {
  char *dir = strdup(evac_test_dir(tag));
  char *path = join(dir, "fields.h5");
  uint8_t kinds[22];
  struct evac_model m = field_model(kinds);
  struct evac_result r;
  struct evac_diag d = {0};
  if (streamed) {
    struct evac_output *o;
    cr_assert_eq(evac_output_open(&m, path, &o, &d), EVAC_OK);
    field_result_to(&m, &r, evac_output_sink(o));
    cr_assert_null(r.fields.data[EVAC_NFQ], "streamed samples are not kept");
    cr_assert_eq(evac_output_close(o, &r, &d), EVAC_OK);
  } else {
    field_result(&m, &r);
    cr_assert_eq(evac_output_write(&m, &r, path, &d), EVAC_OK);
  }
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  hsize_t dims[3];
  cr_assert_eq(dims_of(f, "/fields/time_s", 1, dims), 4);
  double t[4];
  read_ds(f, "/fields/time_s", H5T_NATIVE_DOUBLE, t);
  cr_assert(t[0] == 0.0 && t[1] == 5.0 && t[2] == 10.0 && t[3] == 15.0);
  char s[256];
  read_str_attr(f, "/fields/time_s", "unit", s, sizeof s);
  cr_assert_str_eq(s, "s");
  read_str_attr(f, "/fields/floor_00", "name", s, sizeof s);
  cr_assert_str_eq(s, "G");
  read_str_attr(f, "/fields/floor_01", "name", s, sizeof s);
  cr_assert_str_eq(s, "L1");
  int32_t first;
  read_attr(f, "/fields/floor_00", "first_sample", H5T_NATIVE_INT32, &first);
  cr_assert_eq(first, -1);
  read_attr(f, "/fields/floor_01", "first_sample", H5T_NATIVE_INT32, &first);
  cr_assert_eq(first, 1);
  for (int q = 0; q < EVAC_NFQ; q++) {
    const char *name = evac_field_qty_name((enum evac_field_qty)q);
    const float amb0 = r.fields.ambient[0][q], amb1 = r.fields.ambient[1][q];
    char p[96];
    /* G never had smoke: no sample, [0][3][4] */
    snprintf(p, sizeof p, "/fields/floor_00/%s", name);
    dims_of(f, p, 3, dims);
    cr_assert(dims[0] == 0 && dims[1] == 3 && dims[2] == 4, "%s", p);
    read_str_attr(f, p, "unit", s, sizeof s);
    cr_assert_str_eq(s, evac_field_qty_unit((enum evac_field_qty)q));
    float a;
    read_attr(f, p, "ambient", H5T_NATIVE_FLOAT, &a);
    cr_assert_eq(a, amb0);
    /* L1: [3][2][5], samples 1 to 3 (from its first_sample on) */
    snprintf(p, sizeof p, "/fields/floor_01/%s", name);
    dims_of(f, p, 3, dims);
    cr_assert(dims[0] == 3 && dims[1] == 2 && dims[2] == 5, "%s", p);
    read_attr(f, p, "ambient", H5T_NATIVE_FLOAT, &a);
    cr_assert_eq(a, amb1);
    float l[3 * 10];
    read_ds(f, p, H5T_NATIVE_FLOAT, l);
    for (int sm = 1; sm < 4; sm++)
      for (int c = 0; c < 10; c++) {
        float v = l[(sm - 1) * 10 + c];
        if (fkind_text[12 + c] == '#')
          cr_assert(isnan(v), "%s[%d][%d] on a wall", p, sm, c);
        else
          cr_assert_eq(v, (float)(1000 * (sm < 3 ? sm : 2) + 10 * q + c),
                       "%s[%d][%d]", p, sm, c);
      }
    /* one chunk per sample, shuffled and deflated */
    hid_t ds = H5Dopen2(f, p, H5P_DEFAULT);
    hid_t dcpl = H5Dget_create_plist(ds);
    hsize_t chunk[3];
    cr_assert_eq(H5Pget_chunk(dcpl, 3, chunk), 3);
    cr_assert(chunk[0] == 1 && chunk[1] == 2 && chunk[2] == 5);
    cr_assert_eq(H5Pget_nfilters(dcpl), 2);
    unsigned flags, cd[4];
    size_t ncd = 4;
    cr_assert_eq(H5Pget_filter2(dcpl, 0, &flags, &ncd, cd, 0, NULL, NULL),
                 H5Z_FILTER_SHUFFLE);
    ncd = 4;
    cr_assert_eq(H5Pget_filter2(dcpl, 1, &flags, &ncd, cd, 0, NULL, NULL),
                 H5Z_FILTER_DEFLATE);
    cr_assert_eq(cd[0], 1, "fields are deflated at level 1");
    H5Pclose(dcpl);
    H5Dclose(ds);
  }
  /* the wall and void masks, 1 on # and space */
  uint8_t solid[12];
  read_ds(f, "/fields/floor_00/solid", H5T_NATIVE_UINT8, solid);
  for (int c = 0; c < 12; c++)
    cr_assert_eq(solid[c], fkind_text[c] != '.', "floor_00/solid[%d]", c);
  read_ds(f, "/fields/floor_01/solid", H5T_NATIVE_UINT8, solid);
  for (int c = 0; c < 10; c++)
    cr_assert_eq(solid[c], fkind_text[12 + c] == '#', "floor_01/solid[%d]", c);
  /* spot checks with the units people read */
  float v[30];
  read_ds(f, "/fields/floor_01/layer_height_m", H5T_NATIVE_FLOAT, v);
  cr_assert_eq(v[1], 1000.0f + 1.0f);
  read_str_attr(f, "/fields/floor_01/upper_temp_c", "unit", s, sizeof s);
  cr_assert_str_eq(s, "degC");
  read_str_attr(f, "/fields/floor_01/fed_rate_per_min", "unit", s, sizeof s);
  cr_assert_str_eq(s, "1/min");
  H5Fclose(f);

  FILE *out = tmpfile();
  cr_assert_eq(evac_info_print(path, out, &d), EVAC_OK);
  rewind(out);
  char line[512];
  int seen = 0;
  while (fgets(line, sizeof line, out))
    if (!strcmp(line, "fields                 4 samples on 1 floor with "
                      "smoke\n"))
      seen = 1;
  fclose(out);
  cr_assert(seen, "no fields line");
  evac_diag_free(&d);
  evac_result_free(&r);
  free(path);
  free(dir);
}

Test(output, fields_round_trip) { fields_round_trip("output_fields", 0); }

Test(output, fields_streamed) { fields_round_trip("output_fields_sink", 1); }

/* Field samples set up but none pushed: no /fields; samples of another
 * building: an I/O error naming the mismatch, no partial file left. */
Test(output, fields_empty_or_mismatched) {
  char *dir = strdup(evac_test_dir("output_fields_bad"));
  char *path = join(dir, "fields.h5");
  uint8_t kinds[22];
  struct evac_model m = field_model(kinds);
  struct evac_result r;
  result(&r);
  float amb[2 * EVAC_NFQ] = {0};
  cr_assert_eq(evac_result_fields_init(&r.fields, &m, amb), 0);
  struct evac_diag d = {0};
  cr_assert_eq(evac_output_write(&m, &r, path, &d), EVAC_OK);
  hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
  cr_assert_geq(f, 0);
  cr_assert_eq(H5Lexists(f, "/fields", H5P_DEFAULT), 0);
  H5Fclose(f);
  evac_result_free(&r);

  field_result(&m, &r);
  struct evac_model other = model(); /* 10 x 8 floors */
  cr_assert_eq(evac_output_write(&other, &r, path, &d), EVAC_ERR_IO);
  cr_assert_eq(d.errors, 1);
  cr_assert_not_null(strstr(d.msg[0].text, "the field samples of floor 0 have "
                                           "12 cells, the floor 80"),
                     "%s", d.msg[0].text);
  char *partial = join(dir, "fields.h5.partial");
  cr_assert_not(exists(partial));
  evac_diag_free(&d);
  evac_result_free(&r);
  free(partial);
  free(path);
  free(dir);
}
