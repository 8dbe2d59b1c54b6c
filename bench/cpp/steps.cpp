// The benchmark cases of bench/NeuralCore.Benchmarks in C++ libtorch, with the same timing loop: warm up, then the
// median of 7 repetitions of at least 0.3 s. Prints one JSON line per case.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace nn = torch::nn;
using Clock = std::chrono::steady_clock;

struct CnnImpl : nn::Module {
  nn::Conv2d conv1{nn::Conv2dOptions(3, 32, 3).padding(1)};
  nn::Conv2d conv2{nn::Conv2dOptions(32, 64, 3).padding(1)};
  nn::MaxPool2d pool{nn::MaxPool2dOptions(2).stride(2)};
  nn::Linear fc1{64 * 8 * 8, 128};
  nn::Linear fc2{128, 10};
  CnnImpl() {
    register_module("conv1", conv1);
    register_module("conv2", conv2);
    register_module("pool", pool);
    register_module("fc1", fc1);
    register_module("fc2", fc2);
  }
  torch::Tensor forward(torch::Tensor x) {
    x = pool(torch::relu(conv1(x)));
    x = pool(torch::relu(conv2(x)));
    x = x.view({-1, 64 * 8 * 8});
    return fc2(torch::relu(fc1(x)));
  }
};
TORCH_MODULE(Cnn);

struct LstmClassifierImpl : nn::Module {
  nn::LSTM lstm;
  nn::Linear fc;
  LstmClassifierImpl(int64_t input, int64_t hidden)
      : lstm(nn::LSTMOptions(input, hidden).num_layers(2).batch_first(true)), fc(hidden, 10) {
    register_module("lstm", lstm);
    register_module("fc", fc);
  }
  torch::Tensor forward(torch::Tensor x) {
    auto output = std::get<0>(lstm(x));
    return fc(output.select(1, -1));
  }
};
TORCH_MODULE(LstmClassifier);

struct MlpImpl : nn::Module {
  nn::Linear first{32, 64}, second{64, 10};
  MlpImpl() {
    register_module("0", first);
    register_module("2", second);
  }
  torch::Tensor forward(torch::Tensor x) { return second(torch::relu(first(x))); }
};
TORCH_MODULE(Mlp);

// A causal language model over (sequence, batch) character indices: embedding, post-norm encoder layers, read-out.
struct TransformerLmImpl : nn::Module {
  nn::Embedding embedding{nullptr};
  nn::TransformerEncoder encoder{nullptr};
  nn::Linear head{nullptr};
  TransformerLmImpl(int64_t vocabulary, int64_t d_model, int64_t heads, int64_t layers)
      : embedding(vocabulary, d_model),
        encoder(nn::TransformerEncoderOptions(nn::TransformerEncoderLayerOptions(d_model, heads).dim_feedforward(4 * d_model).dropout(0.1), layers)),
        head(d_model, vocabulary) {
    register_module("embedding", embedding);
    register_module("encoder", encoder);
    register_module("head", head);
  }
  torch::Tensor forward(torch::Tensor x) {
    const auto length = x.size(0);
    auto mask = torch::full({length, length}, -INFINITY).triu(1);
    return head(encoder(embedding(x), mask)).reshape({-1, head->options.out_features()});
  }
};
TORCH_MODULE(TransformerLm);

template <class Model>
std::function<void()> training_step(Model model, std::shared_ptr<torch::optim::Optimizer> optimizer, torch::Tensor inputs, torch::Tensor labels) {
  return [=]() mutable {
    auto loss = torch::nn::functional::cross_entropy(model->forward(inputs), labels);
    for (auto& p : model->parameters()) p.mutable_grad() = torch::Tensor();  // set_to_none, as the other two do
    loss.backward();
    optimizer->step();
  };
}

std::function<void()> create(const std::string& name) {
  torch::manual_seed(0);
  if (name == "cnn_step_b64") {
    Cnn model;
    auto optimizer = std::make_shared<torch::optim::SGD>(model->parameters(), torch::optim::SGDOptions(0.001).momentum(0.9));
    return training_step(model, optimizer, torch::randn({64, 3, 32, 32}), torch::randint(0, 10, {64}));
  }
  if (name.rfind("lstm", 0) == 0) {
    const bool small = name.rfind("lstm_i28", 0) == 0;
    const int64_t input = small ? 28 : 10, hidden = small ? 128 : 256, steps = small ? 28 : 100;
    LstmClassifier model(input, hidden);
    auto optimizer = std::make_shared<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(0.001));
    return training_step(model, optimizer, torch::randn({64, steps, input}), torch::randint(0, 10, {64}));
  }
  if (name == "mlp_32_64_10_step_b8") {
    Mlp model;
    auto optimizer = std::make_shared<torch::optim::SGD>(model->parameters(), torch::optim::SGDOptions(0.01));
    return training_step(model, optimizer, torch::randn({8, 32}), torch::randint(0, 10, {8}));
  }
  if (name == "transformer_d128_h4_l2_s128_step_b32") {
    TransformerLm model(96, 128, 4, 2);
    auto optimizer = std::make_shared<torch::optim::Adam>(model->parameters(), torch::optim::AdamOptions(0.001));
    return training_step(model, optimizer, torch::randint(0, 96, {128, 32}), torch::randint(0, 96, {128 * 32}));
  }
  auto a = torch::randn({10}), b = torch::randn({10});
  return [=]() { auto c = a + b; };
}

double median(const std::function<void()>& step) {
  for (int i = 0; i < 5; ++i) step();
  auto start = Clock::now();
  long calibration = 0;
  while (std::chrono::duration<double>(Clock::now() - start).count() < 0.3) {
    step();
    ++calibration;
  }
  std::vector<double> results;
  for (int repetition = 0; repetition < 7; ++repetition) {
    start = Clock::now();
    for (long i = 0; i < calibration; ++i) step();
    results.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count() / calibration);
  }
  std::sort(results.begin(), results.end());
  return results[3];
}

int main() {
  torch::set_num_threads(2);
  for (const std::string name : {"cnn_step_b64", "lstm_i28_h128_s28_step_b64", "lstm_i10_h256_s100_step_b64", "mlp_32_64_10_step_b8", "add_10elem",
                                 "transformer_d128_h4_l2_s128_step_b32"}) {
    std::printf("{\"framework\": \"cpp\", \"case\": \"%s\", \"microseconds\": %.3f}\n", name.c_str(), median(create(name)));
    std::fflush(stdout);
  }
}
