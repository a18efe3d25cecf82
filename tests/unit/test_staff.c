/* Hospital profiles, devices, shifts and allocation as the scenario loader
 * reads them (docs/hospital.md). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "diag.h"
#include "model.h"
#include "support.h"

/* A room of 8 x 2 floor cells with an exit; region "Ward". */
static const char *plan =
    "{\"evacsim_plan\": 1, \"floors\": [{\"name\": \"1\", \"elevation_m\": 0,"
    " \"rows\": [\"####E#####\", \"#........#\", \"#........#\", "
    "\"##########\"]}],"
    " \"regions\": [{\"name\": \"Ward\", \"floor\": \"1\", \"rect\": [1, 1, "
    "8, 2], \"kind\": \"ward\"}]}";

static struct evac_model *load(const char *tag, const char *scenario) {
  struct evac_diag d;
  struct evac_model *m = NULL;
  evac_diag_init(&d);
  int rc = evac_test_load(tag, "p.plan.json", plan, scenario, &d, &m);
  evac_diag_print(&d, stderr);
  cr_assert_eq(rc, 0, "%s: load failed", tag);
  evac_diag_free(&d);
  return m;
}

static const struct evac_profile *profile(const struct evac_model *m,
                                          const char *name) {
  for (int i = 0; i < m->nprofiles; i++)
    if (!strcmp(m->profiles[i].name, name))
      return &m->profiles[i];
  cr_assert_fail("no profile %s", name);
  return NULL;
}

/* The built-in patients take their device's pace, staff and preparation. */
Test(staff, builtin_patient_devices) {
  struct evac_model *m =
      load("staff_builtin", "{\"evacsim_scenario\": 1, \"plan\": "
                            "\"p.plan.json\"}");
  const struct evac_profile *bed = profile(m, "bedridden");
  cr_assert_str_eq(bed->device, "bed");
  cr_assert(bed->needs_staff);
  cr_assert_eq(bed->staff_needed, 2);
  cr_assert_float_eq(bed->speed_m_s.a, 0.8, 1e-12);
  cr_assert_float_eq(bed->stair_down_factor.a, 0.60 / 0.8, 1e-12);
  cr_assert_eq(bed->prepare_s.kind, EVAC_DIST_UNIFORM);
  cr_assert_float_eq(bed->prepare_s.a, 30.0, 1e-12);
  cr_assert_float_eq(bed->prepare_s.b, 90.0, 1e-12);
  cr_assert_float_eq(bed->fed_threshold.a, 0.1, 1e-12);
  const struct evac_profile *icu = profile(m, "icu");
  cr_assert_eq(icu->staff_needed, 3);
  cr_assert_float_eq(icu->prepare_s.a, 300.0, 1e-12);
  cr_assert_float_eq(icu->prepare_s.b, 900.0, 1e-12);
  const struct evac_profile *wc = profile(m, "wheelchair");
  cr_assert_eq(wc->staff_needed, 1);
  cr_assert_float_eq(wc->speed_m_s.a, 0.46, 1e-12);
  cr_assert_float_eq(wc->stair_down_factor.a, 0.75 / 0.61, 1e-12);
  const struct evac_profile *amb = profile(m, "patient_ambulatory");
  cr_assert_eq(amb->staff_needed, 0);
  cr_assert_null(amb->device);
  evac_model_free(m);
}

/* A scenario profile may change the device (its defaults apply when staff
 * move the patient) and then override single fields. */
Test(staff, scenario_profile_device_and_overrides) {
  struct evac_model *m = load(
      "staff_custom",
      "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\", \"profiles\": {"
      " \"sheet\": {\"base\": \"bedridden\", \"device\": \"ski_sheet\"},"
      " \"chair\": {\"base\": \"wheelchair\", \"device\": \"evac_chair\","
      "   \"prepare_s\": 20, \"staff_needed\": 2},"
      " \"self\": {\"base\": \"adult\", \"device\": \"wheelchair\","
      "   \"speed_m_s\": 0.7}}}");
  const struct evac_profile *sh = profile(m, "sheet");
  cr_assert_eq(sh->staff_needed, 2);
  cr_assert_float_eq(sh->speed_m_s.a, 0.5, 1e-12);
  cr_assert_float_eq(sh->stair_down_factor.a, 0.60 / 0.5, 1e-12);
  cr_assert_float_eq(sh->prepare_s.a, 60.0, 1e-12);
  const struct evac_profile *ch = profile(m, "chair");
  cr_assert_eq(ch->staff_needed, 2);
  cr_assert_eq(ch->prepare_s.kind, EVAC_DIST_FIXED);
  cr_assert_float_eq(ch->prepare_s.a, 20.0, 1e-12);
  /* a self-propelled wheelchair: no staff, its own speed */
  const struct evac_profile *se = profile(m, "self");
  cr_assert_eq(se->needs_staff, 0);
  cr_assert_eq(se->staff_needed, 0);
  cr_assert_float_eq(se->speed_m_s.a, 0.7, 1e-12);
  cr_assert_float_eq(se->stair_down_factor.a, 0.485, 1e-12);
  evac_model_free(m);
}

/* Only the scenario's shift is on duty; allocation is read. */
Test(staff, shift_selects_staff_groups) {
  const char *fmt =
      "{\"evacsim_scenario\": 1, \"plan\": \"p.plan.json\", %s"
      " \"occupants\": [{\"region\": \"Ward\", \"profile\": \"bedridden\","
      " \"count\": 4}],"
      " \"staff\": [{\"region\": \"Ward\", \"count\": 5, \"shift\": \"day\"},"
      "  {\"region\": \"Ward\", \"count\": 2, \"shift\": \"night\"},"
      "  {\"region\": \"Ward\", \"count\": 1}]}";
  char text[1024];
  snprintf(text, sizeof text, fmt, "");
  struct evac_model *m = load("staff_day", text);
  cr_assert_eq(m->night, 0);
  cr_assert_eq(m->allocation, EVAC_ALLOC_NEAREST);
  cr_assert_eq(m->noccupants, 4 + 5 + 1);
  cr_assert_eq(m->ngroups, 3);
  cr_assert(m->groups[1].staff && !m->groups[0].staff);
  evac_model_free(m);
  snprintf(text, sizeof text, fmt,
           "\"shift\": \"night\", \"allocation\": \"triage\",");
  m = load("staff_night", text);
  cr_assert_eq(m->night, 1);
  cr_assert_eq(m->allocation, EVAC_ALLOC_TRIAGE);
  cr_assert_eq(m->noccupants, 4 + 2 + 1);
  evac_model_free(m);
}
