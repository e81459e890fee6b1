package spec

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// penguinsData is a table description as engine/data/table makes it.
func penguinsData() Data {
	return Data{
		Name: "penguins", Kind: KindTable, Task: TaskClassification,
		Shape:   []int{6},
		Classes: []string{"Adelie", "Chinstrap", "Gentoo"},
		Target:  "Species",
		Columns: []Column{
			{Name: "Island", Kind: ColumnCategorical, Categories: []string{"Biscoe", "Dream", "Torgersen"}, Fill: "Biscoe"},
			{Name: "Beak Length (mm)", Kind: ColumnNumeric, Fill: "43.9"},
			{Name: "Body Mass (g)", Kind: ColumnNumeric, Fill: "4201.75"},
			{Name: "Flipper Length (mm)", Kind: ColumnNumeric},
		},
		Scaling: ScalingStandard,
		Offset:  []float64{0, 0, 0, 43.9, 4201.75, 200},
		Scale:   []float64{1, 1, 1, 5.4, 801.9, 14},
	}
}

func carsData() Data {
	return Data{
		Name: "cars", Kind: KindTable, Task: TaskRegression, Shape: []int{2}, Target: "Miles_per_Gallon",
		Columns:      []Column{{Name: "Horsepower", Kind: ColumnNumeric}, {Name: "Weight_in_lbs", Kind: ColumnNumeric}},
		TargetOffset: 23.5, TargetScale: 7.8,
	}
}

func shapesData() Data {
	return Data{Name: "shapes", Kind: KindImage, Task: TaskClassification, Shape: []int{32, 32, 3},
		Classes: []string{"circle", "square", "triangle", "star", "cross"}}
}

func TestDataPresetsValidate(t *testing.T) {
	for name, m := range map[string]Model{
		"penguins MLP": TableMLP(DatasetPenguins, penguinsData()),
		"cars MLP":     TableMLP(DatasetCars, carsData()),
		"shapes CNN":   ImageCNN(DatasetShapes, shapesData()),
		"shapes MLP":   ImageMLP(DatasetShapes, shapesData()),
	} {
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if got := m.Layers[len(m.Layers)-1].Units; got != m.Data.Outputs() {
			t.Errorf("%s: %d outputs, want %d", name, got, m.Data.Outputs())
		}
	}
	cars := TableMLP(DatasetCars, carsData())
	if cars.Loss != LossMeanSquaredError || cars.Layers[len(cars.Layers)-1].Activation != ActLinear {
		t.Errorf("cars preset ends in %v with %s, want Dense 1 linear with mean_squared_error", cars.Layers[len(cars.Layers)-1], cars.Loss)
	}
}

// TestDataRoundTrip: the description survives Encode and Decode exactly,
// and a model without one encodes no "data" field (old links are unchanged).
func TestDataRoundTrip(t *testing.T) {
	m := TableMLP(DatasetPenguins, penguinsData())
	b, err := Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got.Data, m.Data)
	}
	seed, _ := Encode(Seed())
	if strings.Contains(string(seed), `"data"`) {
		t.Errorf("the seed model encodes a data field:\n%s", seed)
	}
	m.Data.Offset[2] = math.NaN()
	if _, err := Encode(m); err == nil || !strings.Contains(err.Error(), "offset and scale must be a finite number") {
		t.Errorf("Encode with a NaN offset: %v", err)
	}
}

// TestDataRules breaks one rule per case and checks the message.
func TestDataRules(t *testing.T) {
	cases := []struct {
		name string
		edit func(m *Model)
		want string
	}{
		{"no description", func(m *Model) { m.Data = nil }, "dataset penguins needs its data description (shape, classes, preprocessing)"},
		{"description on mnist", func(m *Model) { *m = Seed(); d := penguinsData(); m.Data = &d }, "a data description applies to shapes, shapes-grey, penguins, cars and custom data; clear it for mnist"},
		{"no name", func(m *Model) { m.Data.Name = "" }, "the data set has no name"},
		{"kind", func(m *Model) { m.Data.Kind = "audio" }, `data "penguins": unknown kind "audio"; use image or table`},
		{"task", func(m *Model) { m.Data.Task = "ranking" }, `data "penguins": unknown task "ranking"; use classification or regression`},
		{"one class", func(m *Model) { m.Data.Classes = m.Data.Classes[:1] }, `data "penguins": a classification needs 2 to 256 classes, got 1`},
		{"class twice", func(m *Model) { m.Data.Classes[2] = "Adelie" }, `data "penguins": class 2's name "Adelie" is used twice`},
		{"features", func(m *Model) { m.Data.Shape = []int{7}; m.Input = []int{7} }, `data "penguins": the columns make 6 features but the shape says 7`},
		{"category twice", func(m *Model) { m.Data.Columns[0].Categories[1] = "Biscoe" }, `data "penguins": column "Island" lists category "Biscoe" twice`},
		{"column twice", func(m *Model) { m.Data.Columns[2].Name = "Island" }, `data "penguins": column "Island" appears twice`},
		{"fill", func(m *Model) { m.Data.Columns[1].Fill = "n/a" }, `data "penguins": column "Beak Length (mm)" fills missing values with "n/a", not a finite number`},
		{"scale 0", func(m *Model) { m.Data.Scale[4] = 0 }, `data "penguins": feature 4 has offset 4201.75 and scale 0; want a finite offset and a positive, finite scale`},
		{"offsets", func(m *Model) { m.Data.Offset = m.Data.Offset[:5] }, `data "penguins": 5 offsets and 6 scales; give one of each per feature (6) or none`},
		{"input", func(m *Model) { m.Input = []int{5} }, "input shape [5] does not fit penguins (penguins, (None, 6)); use [6]"},
		{"outputs", func(m *Model) { m.Layers[2].Units = 4 }, "layer 3 (Dense): outputs 4 values but penguins has 3 classes; set units to 3"},
		{"mae on classes", func(m *Model) { m.Loss = LossMeanAbsoluteError; m.Layers[2].Activation = ActLinear }, "layer 3 (Dense): mean_absolute_error is a regression loss but penguins is a classification; use sparse_categorical_crossentropy"},
		{"regression units", func(m *Model) { *m = TableMLP(DatasetCars, carsData()); m.Layers[2].Units = 2 }, "layer 3 (Dense): outputs 2 values but cars is a regression of one value; set units to 1"},
		{"regression loss", func(m *Model) { *m = TableMLP(DatasetCars, carsData()); m.Loss = LossSparseCategoricalCrossentropy }, "layer 3 (Dense): cars is a regression; use the loss mean_squared_error, mean_absolute_error or huber, not sparse_categorical_crossentropy"},
		{"regression classes", func(m *Model) { *m = TableMLP(DatasetCars, carsData()); m.Data.Classes = []string{"a", "b"} }, `data "cars": a regression has no classes, got 2`},
		{"target scale", func(m *Model) { *m = TableMLP(DatasetCars, carsData()); m.Data.TargetScale = -1 }, `data "cars": target scale must be 0 (none) or a positive number, got -1`},
		{"image channels", func(m *Model) {
			*m = ImageCNN(DatasetShapes, shapesData())
			m.Data.Shape = []int{32, 32, 2}
			m.Input = m.Data.Shape
		}, `data "shapes": images have 1 (grey) or 3 (RGB) channels, got 2`},
		{"image input", func(m *Model) { *m = ImageMLP(DatasetShapes, shapesData()); m.Input = []int{32, 32, 1} }, "input shape [32 32 1] does not fit shapes (shapes, (None, 32, 32, 3)); use [32 32 3] or [3072]"},
		{"image offsets per channel", func(m *Model) {
			*m = ImageCNN(DatasetShapes, shapesData())
			m.Data.Scaling, m.Data.Offset, m.Data.Scale = ScalingStandard, []float64{0.5}, []float64{0.2}
		}, `data "shapes": 1 offsets and 1 scales; give one of each per channel (3) or none`},
		{"fit", func(m *Model) { *m = ImageCNN(DatasetShapes, shapesData()); m.Data.Fit = "stretch" }, `data "shapes": unknown fit "stretch"; use crop or pad`},
		{"fit on a table", func(m *Model) { m.Data.Fit = FitPad }, `data "penguins": fit applies to images only`},
		{"too big", func(m *Model) {
			*m = ImageMLP(DatasetShapes, shapesData())
			m.Data.Shape = []int{512, 512, 3}
			m.Input = m.Data.Shape
			m.Layers = []Layer{{Type: TypeGlobalAveragePooling2D}, Dense(5, ActSoftmax)}
		}, `data "shapes": 786432 values per example is more than the limit 196608`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := TableMLP(DatasetPenguins, penguinsData())
			c.edit(&m)
			err := m.Validate()
			if err == nil || err.Error() != c.want {
				t.Errorf("Validate() = %v\n                  want %s", err, c.want)
			}
		})
	}
}

// TestImagePresetsFitEverySize: the image presets validate for every side
// an upload may choose (4 to 256 pixels) and both channel counts.
func TestImagePresetsFitEverySize(t *testing.T) {
	for _, side := range []int{4, 8, 13, 16, 21, 22, 28, 32, 64, 128, 256} {
		for _, c := range []int{1, 3} {
			d := shapesData()
			d.Shape = []int{side, side, c}
			for name, m := range map[string]Model{"ImageCNN": ImageCNN(DatasetCustom, d), "ImageMLP": ImageMLP(DatasetCustom, d)} {
				if err := m.Validate(); err != nil {
					t.Errorf("%s for %d×%d×%d: %v", name, side, side, c, err)
				}
			}
		}
	}
}

func TestDefaultsTakeTheDataShape(t *testing.T) {
	m := ImageCNN(DatasetShapes, shapesData())
	m.Input = nil
	if got := m.Defaults().Input; fmt.Sprint(got) != "[32 32 3]" {
		t.Errorf("Defaults().Input = %v, want the data's [32 32 3]", got)
	}
}

func TestRegressionOnImages(t *testing.T) {
	d := shapesData()
	d.Task, d.Classes = TaskRegression, nil
	for _, loss := range []string{LossMeanSquaredError, LossMeanAbsoluteError, LossHuber} {
		m := ImageCNN(DatasetCustom, d)
		m.Loss = loss
		if err := m.Validate(); err != nil {
			t.Errorf("%s: %v", loss, err)
		}
		m.FromLogits = true
		if err := m.Validate(); err == nil || !strings.Contains(err.Error(), "clear it for "+loss) {
			t.Errorf("%s with from_logits: %v", loss, err)
		}
	}
}
