package protocol

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/data/augment"
	"github.com/nnplay/nnplay/engine/spec"
)

func shapesData() spec.Data {
	return spec.Data{Name: "shapes", Kind: spec.KindImage, Task: spec.TaskClassification, Shape: []int{2, 2, 3},
		Classes: []string{"circle", "square"}}
}

func init() {
	allRequests = append(allRequests,
		LoadDataset{ID: 1, Source: SourceBuiltin, Name: spec.DatasetPenguins, Seed: 3, Scaling: spec.ScalingStandard},
		LoadDataset{ID: 2, Source: SourceIDX, IDXImages: []byte{0, 0, 8, 3}, IDXLabels: []byte{0, 0, 8, 1}, IDXNames: [2]string{"a.gz", "b"}, ClassNames: []string{"T-shirt"}},
		LoadDataset{ID: 3, Source: SourceTable, Name: "mine", Table: []byte("a,b\n1,2\n"), TableOptions: &TableOptions{Delimiter: ";", Header: "yes", SkipLines: 1, Target: "b", Task: spec.TaskRegression, Kinds: map[string]string{"a": "categorical"}, Missing: "fill"}},
		LoadDataset{ID: 4, Source: SourceZip, Zip: []byte("PK"), Side: 28, Channels: 1, Fit: "pad", Validation: 0.2, Test: 0.1, Augment: augment.Config{Shift: 0.1, Flip: true}},
		LoadDataset{ID: 5, Source: SourceFiles, Files: []ImageFile{{Path: "cat/1.png", Data: []byte{1}}}},
		LoadDataset{ID: 6, Source: SourceFrames, Frames: []Frame{{Class: "left", Width: 1, Height: 1, RGBA: []byte{1, 2, 3, 255}}, {Class: "right", Pixels: []byte{9, 9, 9}}}},
		AugmentRequest{ID: 7, Augment: augment.Config{Rotation: 15, Zoom: 0.1, Brightness: 0.2}, Preview: 8, Seed: 2},
		PredictData{ID: 8, Pixels: []byte{1, 2, 3}},
		PredictData{ID: 9, RGBA: []byte{1, 2, 3, 4}, Width: 1, Height: 1},
		PredictData{ID: 10, Row: []string{"Biscoe", "", "41.2"}},
	)
	allEvents = append(allEvents,
		DatasetReady{ID: 1, Dataset: spec.DatasetShapes, Data: shapesData(), Train: 7, Validation: 1, Test: 2, ClassCounts: []int{5, 5},
			Samples: []Sample{{Class: 1, Pixels: make([]byte, 12)}}, Skipped: []string{"a/readme.txt"}, SkippedCount: 1,
			Undecodable: []string{"b/x.png"}, UndecodableCount: 3, Augment: augment.Config{Flip: true}},
		DatasetReady{ID: 2, Dataset: spec.DatasetCustom, Data: spec.Data{Name: "t", Kind: spec.KindTable, Task: spec.TaskRegression, Shape: []int{1},
			Columns: []spec.Column{{Name: "a", Kind: spec.ColumnNumeric}}, TargetOffset: 2, TargetScale: 3},
			Columns: []ColumnSummary{{Name: "a", Type: "numeric", Missing: 1, Min: -1, Max: 2, Mean: 0.5, Distinct: 3, Top: []ValueCount{{"1", 2}}}},
			Report:  &TableReport{Rows: 4, Kept: 3, DroppedMissing: 1, Filled: map[string]int{"a": 1}, Ignored: []string{"name"}}},
		AugmentPreview{ID: 7, Shape: []int{1, 1, 3}, Originals: [][]byte{{1, 2, 3}}, Images: [][]byte{{3, 2, 1}}},
		DataPrediction{ID: 8, Probs: []float32{0.25, 0.75}, Class: 1, Pixels: []byte{9}},
		DataPrediction{ID: 9, Value: 23.5},
		RegressionEvaluation{ID: 0, Loss: 0.2, MSE: 7.3, MAE: 1.9, R2: 0.82, RMSE: 2.7, Pairs: [][2]float64{{20.5, 21}, {30, 28}}, ResidualBins: []int{0, 1, 1}, ResidualLo: -2, ResidualHi: 2},
		EpochEnd{Epoch: 2, Loss: 0.3, ValLoss: 0.4, ValR2: 0.8},
		DataProgress{Stage: StageDecode, File: "cat/1.png", Loaded: 3, Total: 10},
		Evaluation{ID: 1, Loss: 0.1, Accuracy: 0.5, Confusion: [][]int{{1, 1}, {0, 2}}, Shape: []int{1, 1, 3}, Classes: []ClassStats{{Support: 2}, {Support: 2}},
			Misclassified: []Misclassified{{Index: 3, True: 0, Predicted: 1, Pixels: []byte{1, 2, 3}}}},
	)
}

func TestDatasetMessagesReject(t *testing.T) {
	for _, tc := range []struct {
		m    Message
		want string
	}{
		{LoadDataset{Source: "ftp"}, `unknown source "ftp"`},
		{LoadDataset{Source: SourceBuiltin, Name: "cifar"}, `unknown built-in data set "cifar"`},
		{LoadDataset{Source: SourceIDX, IDXImages: []byte{1}}, "idx needs both"},
		{LoadDataset{Source: SourceTable, Table: []byte("a"), TableOptions: &TableOptions{Delimiter: ";;"}}, "more than one character"},
		{LoadDataset{Source: SourceTable, Table: []byte("a"), TableOptions: &TableOptions{Header: "maybe"}}, `header "maybe"`},
		{LoadDataset{Source: SourceFrames, Frames: []Frame{{Width: 2, Height: 2, RGBA: []byte{1}}}}, "frame 0 is 2×2 with 1 bytes; want 16"},
		{LoadDataset{Source: SourceZip, Zip: []byte("x"), Channels: 2}, "channels is 2"},
		{LoadDataset{Source: SourceFrames}, "no frames"},
		{LoadDataset{Source: SourceFrames, Frames: []Frame{{Width: 1, Height: 1, RGBA: []byte{1, 2, 3, 4}, Pixels: []byte{1}}}}, "frame 0 has both rgba and pixels"},
		{LoadDataset{Source: SourceZip, Zip: []byte("x"), Augment: augment.Config{Rotation: 400}}, "rotation must be between 0 and 180"},
		{AugmentRequest{Preview: MaxPreview + 1}, "preview of 33 images"},
		{PredictData{}, "give one of pixels, rgba or row"},
		{PredictData{Pixels: []byte{1}, Row: []string{"a"}}, "give one of pixels, rgba or row"},
		{PredictData{RGBA: []byte{1}, Width: 1, Height: 1}, "rgba of 1 bytes for 1×1; want 4"},
		{DatasetReady{Data: spec.Data{Name: "x", Kind: spec.KindImage, Task: spec.TaskClassification, Shape: []int{2, 2, 3}, Classes: []string{"a"}}}, "a classification needs 2 to 256 classes"},
		{DatasetReady{Data: shapesData(), Samples: []Sample{{Class: 0, Pixels: []byte{1}}}}, "sample 0: class 0 with 1 bytes"},
		{Evaluation{Confusion: [][]int{{1}}, Classes: []ClassStats{{}}, Shape: []int{1, 1, 3}, Misclassified: []Misclassified{{Pixels: []byte{1}}}}, "misclassified 0 has 1 pixels; want 3"},
	} {
		if _, err := Encode(tc.m); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%T: error %v, want one saying %q", tc.m, err, tc.want)
		}
	}
}
