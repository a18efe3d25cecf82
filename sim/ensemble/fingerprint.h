/* The inputs a simulation reads, as canonical bytes (docs/ranking.md,
 * "Identical simulations"): two models with the same bytes, run with the
 * same seed and replication, give the same outcome, so rank simulates
 * such a replication once. */
#ifndef EVAC_FINGERPRINT_H
#define EVAC_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

struct evac_model;

/* The canonical bytes of the inputs of model m that the engine reads
 * (after its hazards were applied and its fire set): everything but the
 * source texts and paths, the hazard lists, the ignition scenarios
 * ("fires": the engine reads the fire that was made the model's) and that
 * fire's weight; with a fire, sprinklers and detectors are written only as
 * they are on its floor (the only one where they act), and without staff
 * on duty a lift's failure is left out (nobody else uses lifts). *bytes
 * (malloc'd, *n long; the caller frees it) holds them; returns their FNV-1a 64
 * hash, and *bytes is NULL out of memory. */
uint64_t evac_fingerprint(const struct evac_model *m, unsigned char **bytes,
                          size_t *n);

/* The same bytes less what only the occupants read, not the fire or the
 * smoke (docs/ranking.md, "One smoke simulation for a fire's
 * replications"): the alarm's delay (it schedules people), how far people
 * see in smoke (failed emergency lighting), window grilles (ladder rescue),
 * lifts' failures (staff's lift rescue), and the timeline's entries but
 * those that shut or open a door or fire door (the alarm, and closures of
 * stairs, exits and refuges: blocked stairs and exits). Two models with the
 * same physics bytes, with the same fire, give the same fire and smoke whatever
 * their occupants do, so their replications may share one fire and smoke
 * simulation (evac_sim_run_group). */
uint64_t evac_fingerprint_physics(const struct evac_model *m,
                                  unsigned char **bytes, size_t *n);

struct evac_stratum;

/* The bytes (physics: evac_fingerprint_physics's, else evac_fingerprint's)
 * of the variant of the scenario at path with listed's hazards of fixed
 * rectified (evac_replicate_load), with stratum s's fire (NULL: the fire it
 * has): from m, that variant's model, or loaded here if m is NULL (m's fire
 * is set to s's). Returns the hash; *bytes is NULL if the variant does not
 * load, lacks the fire, or memory ran out. */
uint64_t evac_fingerprint_variant(const char *path,
                                  const struct evac_model *listed,
                                  uint64_t fixed, const struct evac_stratum *s,
                                  int physics, struct evac_model *m,
                                  unsigned char **bytes, size_t *n);

#endif
