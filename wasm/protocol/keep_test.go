package protocol

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// The keep and fine-tune messages join the round-trip tables of
// codec_test.go (and so FuzzDecode's seed corpus).
func init() {
	head := spec.LeNet()
	head.Classes = []int{5, 6, 7, 8, 9}
	allRequests = append(allRequests,
		ExportTFJS{ID: 1},
		ImportTFJS{ID: 2, ModelJSON: []byte(`{"format":"layers-model"}`), Files: map[string][]byte{"group1-shard1of1.bin": {0, 0, 128, 63}}},
		ReplaceHead{ID: 3, Classes: []int{5, 6, 7, 8, 9}, Freeze: []int{0, 1, 2, 3}, Seed: 2},
		TrainGoal{ID: 4, MaxBatches: 300},
		TrainGoal{ID: 5, Target: 0.97, Every: 25, MaxBatches: 2000, Scratch: true, ScratchSeed: 7},
		TuneExamples{ID: 6, Pixels: append(pixels(), pixels()...), Labels: []int{3, 8}, Epochs: 10, Mix: 200, Seed: 1},
		TestPredict{ID: 7, Count: 100},
	)
	allEvents = append(allEvents,
		TFJSExport{ID: 1, ModelJSON: []byte("{}"), WeightsName: "group1-shard1of1.bin", Weights: []byte{1, 2, 3, 4}},
		HeadReplaced{ID: 3, Spec: head, Accuracy: 0.2},
		GoalDone{ID: 4, Reached: true, Batches: 300, Accuracy: 0.967, Seconds: 4.5},
		ExamplesTuned{ID: 6, Before: 0.5, After: 1, TestBefore: 0.97, TestAccuracy: 0.96, Batches: 40, Seconds: 0.25},
		TestPredictions{ID: 7, Predicted: []int{7, 2, 1}, Labels: []int{7, 2, 1}, Right: 3, ProbsCRC: 0xdeadbeef},
	)
}

func TestKeepMessagesReject(t *testing.T) {
	px := func(n int) string { return `"` + base64.StdEncoding.EncodeToString(make([]byte, n*ImageSize)) + `"` }
	for _, c := range []struct{ msg, want string }{
		{`{"type":"import_tfjs","data":{"id":1,"files":{}}}`, "model_json is empty"},
		{`{"type":"replace_head","data":{"id":1,"classes":[5],"seed":1}}`, "classes has 1 digits; give 2 to 10"},
		{`{"type":"replace_head","data":{"id":1,"classes":[5,5],"seed":1}}`, "the digit 5 is given twice"},
		{`{"type":"replace_head","data":{"id":1,"classes":[5,10],"seed":1}}`, "10 is not a digit"},
		{`{"type":"replace_head","data":{"id":1,"classes":[5,6],"freeze":[-1],"seed":1}}`, "freeze: layer -1 does not exist"},
		{`{"type":"train_goal","data":{"id":1,"max_batches":0}}`, "max_batches is 0"},
		{`{"type":"train_goal","data":{"id":1,"target":1.5,"every":5,"max_batches":10}}`, "target is 1.5; it must be between 0 and 1"},
		{`{"type":"train_goal","data":{"id":1,"target":0.9,"max_batches":10}}`, "a target needs a check every 1 or more batches"},
		{`{"type":"tune_examples","data":{"id":1,"pixels":"","labels":[],"epochs":1}}`, "0 drawings; give 1 to 2000"},
		{`{"type":"tune_examples","data":{"id":1,"pixels":"AAAA","labels":[3],"epochs":1}}`, "pixels holds 3 bytes; 1 drawings of 784 pixels need 784"},
		{`{"type":"tune_examples","data":{"id":1,"pixels":` + px(1) + `,"labels":[12],"epochs":1}}`, "drawing 1 is labelled 12"},
		{`{"type":"tune_examples","data":{"id":1,"pixels":` + px(1) + `,"labels":[1],"epochs":0}}`, "epochs is 0"},
		{`{"type":"tune_examples","data":{"id":1,"pixels":` + px(1) + `,"labels":[1],"epochs":1,"mix":-1}}`, "mix is -1"},
		{`{"type":"test_predict","data":{"id":1,"count":0}}`, "count is 0"},
		{`{"type":"test_predict","data":{"id":1,"count":1001}}`, "count is 1001"},
	} {
		if _, err := DecodeRequest(c.msg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeRequest(%.70s…) err = %v; want it to contain %q", c.msg, err, c.want)
		}
	}
	for _, c := range []struct{ msg, want string }{
		{`{"type":"tfjs_export","data":{"id":1,"model_json":"","weights_name":"","weights":""}}`, "holds model.json and its weights file's name"},
		{`{"type":"head_replaced","data":{"id":1,"spec":{},"accuracy":2}}`, "accuracy is 2"},
		{`{"type":"goal_done","data":{"id":1,"reached":true,"batches":-1,"accuracy":0.5,"seconds":1}}`, "batches is -1"},
		{`{"type":"goal_done","data":{"id":1,"reached":true,"batches":1,"accuracy":0.5,"seconds":-1}}`, "seconds is -1"},
		{`{"type":"examples_tuned","data":{"id":1,"before":0,"after":1.2,"test_before":0.9,"test_accuracy":0.9,"batches":1,"seconds":1}}`, "after is 1.2"},
		{`{"type":"test_predictions","data":{"id":1,"predicted":[1,2],"labels":[1],"right":1,"probs_crc":0}}`, "2 predictions for 1 labels"},
		{`{"type":"test_predictions","data":{"id":1,"predicted":[11],"labels":[1],"right":0,"probs_crc":0}}`, "both must be digits"},
		{`{"type":"test_predictions","data":{"id":1,"predicted":[1],"labels":[1],"right":2,"probs_crc":0}}`, "right is 2 of 1"},
	} {
		if _, err := DecodeEvent(c.msg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeEvent(%.70s…) err = %v; want it to contain %q", c.msg, err, c.want)
		}
	}
}
