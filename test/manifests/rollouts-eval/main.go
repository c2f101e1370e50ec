// Judges Rollout values the way the Argo Rollouts controller does, with the libraries it uses:
//   - analysis conditions with github.com/expr-lang/expr, in the environment the controller
//     gives them (utils/evaluate in argoproj/argo-rollouts): `result` plus the helpers below;
//   - pause durations with Go's time.ParseDuration, as RolloutPause.DurationSeconds does.
//
// Input on stdin: {"conditions": [{"condition": "...", "result": <JSON>}], "durations": [<int or string>]}.
// Output on stdout: {"conditions": [{"value": bool} | {"error": "..."}], "durations": [seconds, -1 when invalid]}.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"

	"time"

	"github.com/expr-lang/expr"
)

type input struct {
	Conditions []request         `json:"conditions"`
	Durations  []json.RawMessage `json:"durations"`
}

type output struct {
	Conditions []answer `json:"conditions"`
	Durations  []int64  `json:"durations"`
}

// durationSeconds mirrors RolloutPause.DurationSeconds: an integer is seconds, a string is
// whole seconds or a Go duration; anything else is -1 (the controller rejects it).
func durationSeconds(raw json.RawMessage) int64 {
	var n int64
	if err := json.Unmarshal(raw, &n); err == nil {
		return n
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return -1
	}
	if v, err := strconv.ParseInt(s, 10, 32); err == nil {
		return v
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return -1
	}
	return int64(d.Seconds())
}

type request struct {
	Condition string          `json:"condition"`
	Result    json.RawMessage `json:"result"`
}

type answer struct {
	Value *bool  `json:"value,omitempty"`
	Error string `json:"error,omitempty"`
}

// decode turns JSON numbers into float64 and arrays of numbers into []float64, as the
// Prometheus provider hands a vector's sample values to the conditions.
func decode(raw json.RawMessage) (interface{}, error) {
	var floats []float64
	if err := json.Unmarshal(raw, &floats); err == nil {
		return floats, nil
	}
	var value interface{}
	if err := json.Unmarshal(raw, &value); err != nil {
		return nil, err
	}
	return value, nil
}

func asInt(in string) int64 {
	v, err := strconv.ParseInt(in, 10, 64)
	if err != nil {
		panic(err)
	}
	return v
}

func asFloat(in string) float64 {
	v, err := strconv.ParseFloat(in, 64)
	if err != nil {
		panic(err)
	}
	return v
}

func isNil(in interface{}) bool {
	if in == nil {
		return true
	}
	v := reflect.ValueOf(in)
	switch v.Kind() {
	case reflect.Ptr, reflect.Map, reflect.Slice, reflect.Interface:
		return v.IsNil()
	}
	return false
}

func defaultOf(in interface{}, fallback interface{}) interface{} {
	if isNil(in) {
		return fallback
	}
	return in
}

func evaluate(condition string, result interface{}) (value bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("evaluation panicked: %v", r)
		}
	}()
	env := map[string]interface{}{
		"result":  result,
		"asInt":   asInt,
		"asFloat": asFloat,
		"isNaN":   math.IsNaN,
		"isInf":   func(f float64) bool { return math.IsInf(f, 0) },
		"isNil":   isNil,
		"default": defaultOf,
	}
	program, err := expr.Compile(condition, expr.Env(env), expr.AsBool())
	if err != nil {
		return false, err
	}
	output, err := expr.Run(program, env)
	if err != nil {
		return false, err
	}
	return output.(bool), nil
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "rollouts-eval: stdin must be {conditions: [{condition, result}], durations: [...]}:", err)
		os.Exit(2)
	}
	out := output{Conditions: make([]answer, len(in.Conditions)), Durations: make([]int64, len(in.Durations))}
	for i, r := range in.Conditions {
		result, err := decode(r.Result)
		if err == nil {
			var value bool
			value, err = evaluate(r.Condition, result)
			if err == nil {
				out.Conditions[i].Value = &value
			}
		}
		if err != nil {
			out.Conditions[i].Error = err.Error()
		}
	}
	for i, d := range in.Durations {
		out.Durations[i] = durationSeconds(d)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		os.Exit(1)
	}
}
